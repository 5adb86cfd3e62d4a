import { describe, expect, it } from "vitest";
import { formatCents, parseAmountCents } from "./amount";

describe("amounts from text", () => {
  it.each([
    ["-5.00", -500],
    ["1234.5", 123450],
    ["+12", 1200],
    ["0.07", 7],
    [".5", 50],
    ["-0.00", 0],
    ["1.230", 123],
    [" 42.10 ", 4210],
    ["90071992547409.91", 9007199254740991],
  ])("%s is %i cents", (text, cents) => {
    expect(parseAmountCents(text)).toEqual({ ok: true, cents });
  });

  it("is exact where floats are not", () => {
    expect(parseAmountCents("0.29")).toEqual({ ok: true, cents: 29 });
    expect(parseAmountCents("1.15")).toEqual({ ok: true, cents: 115 });
    expect(parseAmountCents("4.35")).toEqual({ ok: true, cents: 435 });
  });

  it.each(["", "-", ".", "abc", "1,234.00", "$5", "1.234", "1e3", "--5", "(5.00)", "90071992547409.92"])(
    "rejects %j",
    (text) => {
      expect(parseAmountCents(text).ok).toBe(false);
    },
  );

  it("formats cents back with two places", () => {
    expect([formatCents(-500), formatCents(7), formatCents(123450), formatCents(0)]).toEqual([
      "-5.00",
      "0.07",
      "1234.50",
      "0.00",
    ]);
  });
});
