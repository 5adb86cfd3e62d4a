import { describe, expect, it } from "vitest";
import {
  customerProblem,
  describeStatus,
  isTransientCode,
  KNOWN_STATUS_CODES,
  needsCustomer,
  PROVIDER_SIDE_CODES,
} from "./status-codes";

const designTable = [0, 102, 103, 108, 109, 185, 187, 325, 331, 900, 901, 902, 903, 904, 905, 906, 907, 910, 945, 946];
/** Codes the provider documents beyond the design table (Connect Fix, incomplete answers, expired sessions …). */
const providerDocumented = [106, 908, 909, 938, 940, 947, 948, 971, 972, 974, 976];

describe("aggregator status codes", () => {
  it("describe every code of the design table and the provider's documented codes", () => {
    expect(KNOWN_STATUS_CODES).toEqual([...designTable, ...providerDocumented].sort((a, b) => a - b));
    for (const code of KNOWN_STATUS_CODES) {
      const d = describeStatus(code);
      expect(d.known).toBe(true);
      expect(d.title && d.customerTitle && d.nextStep).toBeTruthy();
    }
  });

  it("say who acts, what fixes it, whether it is retried and the connection status, as the design table does", () => {
    const row = (code: number) => {
      const d = describeStatus(code);
      return [d.actor, d.remedy, d.retry, d.connectionStatus];
    };
    expect(row(0)).toEqual(["nobody", "none", "no", "ACTIVE"]);
    expect(row(102)).toEqual(["nobody", "wait", "backoff", "ERROR"]);
    for (const code of [103, 109, 331])
      expect(row(code)).toEqual(["customer", "update-login", "no", "ACTION_REQUIRED"]);
    expect(row(108)).toEqual(["customer", "at-bank-then-refresh", "no", "ACTION_REQUIRED"]);
    for (const code of [185, 187]) expect(row(code)).toEqual(["customer", "answer-question", "no", "ACTION_REQUIRED"]);
    for (const code of [945, 946])
      expect(row(code)).toEqual(["customer", "remove-and-re-add", "no", "ACTION_REQUIRED"]);
    expect(row(325)).toEqual(["nobody", "wait", "no", "AGGREGATING"]);
    for (const code of [900, 903, 907]) expect(row(code)).toEqual(["nobody", "wait", "slow-backoff", "ERROR"]);
    expect(row(910)).toEqual(["nobody", "wait", "backoff", "ERROR"]);
  });

  it("give the provider's Connect Fix codes a customer remedy and its outage codes a wait", () => {
    // Documented as fixable with Connect Fix: the customer must act, never retried in the background.
    for (const code of [103, 108, 109, 185, 187, 945, 946, 947, 948]) {
      expect(describeStatus(code)).toMatchObject({ actor: "customer", retry: "no" });
    }
    for (const code of [938, 940, 971, 947, 948, 974]) expect(describeStatus(code).remedy).toBe("update-login");
    for (const code of [972, 976]) expect(describeStatus(code).remedy).toBe("contact-support");
    for (let code = 900; code <= 910; code++)
      expect(describeStatus(code)).toMatchObject({ actor: "nobody", remedy: "wait", providerSide: true });
  });

  it("name the bank's site only where the fix starts there", () => {
    const atBank = KNOWN_STATUS_CODES.filter((code) => describeStatus(code).atBankSite);
    expect(atBank).toEqual([103, 106, 108, 109, 946]);
  });

  it("give concrete next steps that name the bank's URL where the customer must go", () => {
    const at = { institutionUrl: "https://business.sandboxbank.example", institutionName: "Sandbox Bank (Business)" };
    const d103 = describeStatus(103, at);
    expect(d103.nextStep).toContain("https://business.sandboxbank.example");
    expect(d103.nextStep).toMatch(/Personal or Business/);
    expect(d103.nextStep).toMatch(/Update Login/);
    expect(describeStatus(108, at).nextStep).toMatch(/https:\/\/business\.sandboxbank\.example.*Retrieve Transactions/);
    expect(describeStatus(109, at).nextStep).toMatch(/change your password.*Update Login/);
    expect(describeStatus(325, at).nextStep).toMatch(/Active.*Manage Institutions|Manage Institutions.*Active/);
    expect(describeStatus(102, at).nextStep).toMatch(/Nothing is needed/);
    expect(describeStatus(910, at).customerTitle).toContain("Sandbox Bank (Business)");
  });

  it("fall back for unknown codes: nobody is asked to act, nothing is retried, support can look", () => {
    const d = describeStatus(1234);
    expect(d).toMatchObject({
      known: false,
      actor: "nobody",
      remedy: "contact-support",
      retry: "no",
      providerSide: false,
      connectionStatus: "ERROR",
    });
    expect(d.nextStep).toMatch(/contact support/);
  });

  it("classify transient codes, provider-side codes and codes that need the customer", () => {
    expect([102, 900, 905, 908, 910].every(isTransientCode)).toBe(true);
    expect([0, 103, 108, 109, 185, 187, 325, 331, 945, 946, 911].some(isTransientCode)).toBe(false);
    expect([103, 108, 109, 185, 187, 331, 945, 946].every(needsCustomer)).toBe(true);
    expect([0, 102, 325, 910, 1234].some(needsCustomer)).toBe(false);
    expect(PROVIDER_SIDE_CODES).toEqual([102, 900, 901, 902, 903, 904, 905, 906, 907, 908, 909, 910]);
  });

  it("give the portal the customer's words and the remedy, not the support title", () => {
    expect(customerProblem(describeStatus(108, { institutionName: "Tidewater Bank" }))).toEqual({
      code: 108,
      title: "Tidewater Bank needs your attention on its website",
      nextStep: expect.stringContaining("Retrieve Transactions"),
      actor: "customer",
      remedy: "at-bank-then-refresh",
      atBankSite: true,
    });
  });
});
