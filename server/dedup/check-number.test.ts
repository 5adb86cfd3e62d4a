import { describe, expect, it } from "vitest";
import { extractCheckNumber, normalizeCheckNumber, resolveCheckNumber } from "./check-number";

describe("check numbers", () => {
  it.each([
    ["CHECK 1043", "1043"],
    ["CHECK #1043", "1043"],
    ["CHK #1043", "1043"],
    ["CK#1043", "1043"],
    ["Check No. 001043", "1043"],
    ["check number 1043 - Joe's Plumbing", "1043"],
    ["Check 1043 - Joe's Plumbing", "1043"],
  ])("%s → %s", (description, number) => {
    expect(extractCheckNumber(description)).toBe(number);
  });

  it.each([
    "CHECKCARD 0314 STAPLES",
    "STARBUCKS STORE 10293",
    "MOBILE CHECK DEPOSIT",
    "DECK 12 MARINA",
    "Joe's Plumbing",
  ])("finds none in %s", (description) => {
    expect(extractCheckNumber(description)).toBeNull();
  });

  it("prefers an explicit number and drops leading zeros", () => {
    expect(normalizeCheckNumber("#000123")).toBe("123");
    expect(resolveCheckNumber("88", "CHECK 1043")).toBe("88");
    expect(resolveCheckNumber(null, "CHECK 1043")).toBe("1043");
    expect(resolveCheckNumber("", "rent")).toBeNull();
  });
});
