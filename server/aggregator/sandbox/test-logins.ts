import type { WireMfaQuestion } from "@/server/aggregator/client/wire";
import type { Profile } from "./real-world";

// The documented test logins (SANDBOX.md) and a few extra ones for the remaining codes.
// The right password for all of them is `go` until it is changed on the sandbox bank's site.

export const DEFAULT_PASSWORD = "go";

export type Behaviour =
  | "demo"
  | "demo_business"
  | "demo_mfa"
  | "demo_mfa_choice"
  | "demo_terms"
  | "demo_password"
  | "demo_slow"
  | "demo_down"
  | "demo_outage"
  | "demo_big"
  | "demo_moved"
  | "demo_closed"
  | "demo_maintenance";

export interface AccountSpec {
  /** Stable key of the real-world account under a login; ids are derived from it per link. */
  key: string;
  name: string;
  type: "checking" | "savings" | "creditCard";
  profile: Profile;
  historyDays: number;
}

export interface MfaStep {
  question: WireMfaQuestion;
  /** Compared trimmed and case-insensitively. */
  answer: string;
}

const personalAccounts: AccountSpec[] = [
  { key: "chk", name: "Everyday Checking", type: "checking", profile: "personal-checking", historyDays: 90 },
  { key: "sav", name: "Savings", type: "savings", profile: "personal-savings", historyDays: 90 },
];

const businessAccounts: AccountSpec[] = [
  { key: "opr", name: "Business Operating Checking", type: "checking", profile: "business-checking", historyDays: 90 },
  { key: "res", name: "Business Reserve Savings", type: "savings", profile: "business-savings", historyDays: 90 },
  { key: "card", name: "Business Rewards Card", type: "creditCard", profile: "business-card", historyDays: 90 },
];

export const BIG_HISTORY_DAYS = 730;
export const BIG_TRANSACTION_COUNT = 20_000;

const bigAccounts: AccountSpec[] = [
  { key: "big", name: "Main Checking", type: "checking", profile: "big-checking", historyDays: BIG_HISTORY_DAYS },
];

const colourQuestions: MfaStep[] = [
  { question: { id: "q1", type: "text", text: "What is your favorite color?" }, answer: "blue" },
  { question: { id: "q2", type: "text", text: "What color was your first car?" }, answer: "blue" },
  { question: { id: "q3", type: "text", text: "What color is the sky on a clear day?" }, answer: "blue" },
];

const choiceQuestions: MfaStep[] = [
  {
    question: {
      id: "c1",
      type: "choice",
      text: "Which of these colors did you choose when you enrolled?",
      choices: ["Red", "Green", "Blue", "Yellow"],
    },
    answer: "Blue",
  },
  { question: { id: "c2", type: "text", text: "What color was your first bicycle?" }, answer: "blue" },
];

export interface TestLogin {
  behaviour: Behaviour;
  accounts: AccountSpec[];
  mfa: MfaStep[];
  /** Only links at institutions of this variant (others give 103). */
  onlyVariant?: "personal" | "business";
  /** Every aggregation of this login takes SANDBOX_SLOW_MS. */
  slow?: boolean;
}

const logins: Record<Behaviour, TestLogin> = {
  demo: { behaviour: "demo", accounts: personalAccounts, mfa: [] },
  demo_business: { behaviour: "demo_business", accounts: businessAccounts, mfa: [], onlyVariant: "business" },
  demo_mfa: { behaviour: "demo_mfa", accounts: personalAccounts, mfa: colourQuestions },
  demo_mfa_choice: { behaviour: "demo_mfa_choice", accounts: personalAccounts, mfa: choiceQuestions },
  demo_terms: { behaviour: "demo_terms", accounts: personalAccounts, mfa: [] },
  demo_password: { behaviour: "demo_password", accounts: personalAccounts, mfa: [] },
  demo_slow: { behaviour: "demo_slow", accounts: personalAccounts, mfa: [], slow: true },
  demo_down: { behaviour: "demo_down", accounts: personalAccounts, mfa: [] },
  demo_outage: { behaviour: "demo_outage", accounts: personalAccounts, mfa: [] },
  demo_big: { behaviour: "demo_big", accounts: bigAccounts, mfa: [] },
  demo_moved: { behaviour: "demo_moved", accounts: personalAccounts, mfa: [] },
  demo_closed: { behaviour: "demo_closed", accounts: personalAccounts, mfa: [] },
  demo_maintenance: { behaviour: "demo_maintenance", accounts: personalAccounts, mfa: [] },
};

export const TEST_USERNAMES = Object.keys(logins) as Behaviour[];

export const normalizeUsername = (username: string) => username.trim().toLowerCase();

export function findTestLogin(username: string): TestLogin | undefined {
  const key = normalizeUsername(username);
  return Object.hasOwn(logins, key) ? logins[key as Behaviour] : undefined;
}

export function answerMatches(step: MfaStep, answer: string): boolean {
  return answer.trim().toLowerCase() === step.answer.toLowerCase();
}
