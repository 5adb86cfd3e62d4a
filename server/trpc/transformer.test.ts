import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { transformer } from "./transformer";

// The server's answers must read in the browser exactly as superjson would have sent them.

const plain = [
  null,
  "text",
  0,
  -12_345,
  true,
  [],
  { total: 2, rows: [{ id: "a", amountCents: -500, match: null, reasons: ["same amount", "same day"] }] },
  Object.assign(Object.create(null), { key: "no prototype" }),
];

const special = [
  new Date("2026-12-04T10:00:00.000Z"),
  { rows: [{ id: "a", matchedAt: new Date("2026-12-01T00:00:00.000Z") }] },
  { optional: undefined },
  [1, undefined, 3],
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
  BigInt(10),
  new Map([["a", 1]]),
  new Set(["x"]),
  { nested: { deeper: [{ at: new Date(0) }] } },
];

describe("the answer transformer", () => {
  it("sends plain JSON as superjson would, and reads back the same", () => {
    for (const value of plain) {
      const sent = JSON.parse(JSON.stringify(transformer.serialize(value)));
      expect(sent).toEqual(JSON.parse(JSON.stringify(superjson.serialize(value))));
      expect(superjson.deserialize(sent)).toEqual(value);
    }
  });

  it("leaves everything else to superjson: dates, undefined, special numbers, BigInt, Map, Set", () => {
    for (const value of special) {
      const sent = JSON.parse(JSON.stringify(transformer.serialize(value)));
      expect(sent).toEqual(JSON.parse(JSON.stringify(superjson.serialize(value))));
      expect(sent.meta, `superjson's annotations for ${String(value)}`).toBeDefined();
      expect(superjson.deserialize(sent)).toEqual(value);
    }
  });

  it("reads inputs as superjson does", () => {
    const input = { from: new Date("2026-01-01T00:00:00.000Z"), text: "rent" };
    expect(transformer.deserialize(superjson.serialize(input))).toEqual(input);
  });
});
