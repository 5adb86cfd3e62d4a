import type { AttemptOutcome } from "@/server/connections/schemas";

export type {
  AttemptOutcome,
  ConnectionView,
  ConnectSessionView,
  Notice,
  LinkStyle,
  Problem,
} from "@/server/connections/schemas";
export type MfaOutcome = Extract<AttemptOutcome, { kind: "mfa" }>;
export type FailedOutcome = Extract<AttemptOutcome, { kind: "failed" }>;

/** What the page may show a person, from the permission table (passed down by the server page). */
export interface Abilities {
  /** Link, Update Login, remove, choose accounts. */
  manage: boolean;
  /** Retrieve Transactions and answer security questions. */
  retrieve: boolean;
}
