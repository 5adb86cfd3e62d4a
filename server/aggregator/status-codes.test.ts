import { describe, expect, it } from "vitest";
import { describeStatus, isTransientCode, KNOWN_STATUS_CODES, needsCustomer } from "./status-codes";

const designTable = [0, 102, 103, 108, 109, 185, 187, 325, 331, 900, 901, 902, 903, 904, 905, 906, 907, 910, 945, 946];

describe("aggregator status codes", () => {
  it("describe every code of the design table", () => {
    expect(KNOWN_STATUS_CODES).toEqual(designTable);
    for (const code of designTable) {
      const d = describeStatus(code);
      expect(d.known).toBe(true);
      expect(d.title && d.customerTitle && d.nextStep).toBeTruthy();
    }
  });

  it("say who acts, whether it is retried and the connection status, as the design table does", () => {
    const row = (code: number) => {
      const d = describeStatus(code);
      return [d.actor, d.retry, d.connectionStatus];
    };
    expect(row(0)).toEqual(["nobody", "no", "ACTIVE"]);
    expect(row(102)).toEqual(["nobody", "backoff", "ERROR"]);
    for (const code of [103, 108, 109, 185, 187, 331, 945, 946]) expect(row(code)).toEqual(["customer", "no", "ACTION_REQUIRED"]);
    expect(row(325)).toEqual(["nobody", "no", "AGGREGATING"]);
    for (const code of [900, 903, 907]) expect(row(code)).toEqual(["nobody", "slow-backoff", "ERROR"]);
    expect(row(910)).toEqual(["nobody", "backoff", "ERROR"]);
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

  it("fall back for unknown codes without retrying them", () => {
    const d = describeStatus(1234);
    expect(d).toMatchObject({ known: false, actor: "nobody", retry: "no", connectionStatus: "ERROR" });
    expect(describeStatus(908).retry).toBe("slow-backoff");
  });

  it("classify transient codes and codes that need the customer", () => {
    expect([102, 900, 905, 908, 910].every(isTransientCode)).toBe(true);
    expect([0, 103, 108, 109, 185, 187, 325, 331, 945, 946, 911].some(isTransientCode)).toBe(false);
    expect([103, 108, 109, 185, 187, 331, 945, 946].every(needsCustomer)).toBe(true);
    expect([0, 102, 325, 910].some(needsCustomer)).toBe(false);
  });
});
