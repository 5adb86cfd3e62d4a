import { describe, expect, it } from "vitest";
import { assignOneToOne } from "./assign";

describe("one-to-one assignment", () => {
  it("maximizes the total rather than taking the single best pair first", () => {
    // Row 0 likes column 0 slightly more, but row 1 can only use column 0.
    const chosen = assignOneToOne(2, 2, [
      { row: 0, column: 0, weight: 5 },
      { row: 0, column: 1, weight: 4.9 },
      { row: 1, column: 0, weight: 4 },
    ]);
    expect([...chosen]).toEqual([1, 0]);
  });

  it("leaves a row unmatched rather than forcing a pair it has no edge for", () => {
    expect([...assignOneToOne(3, 1, [{ row: 0, column: 0, weight: 1 }])]).toEqual([0, -1, -1]);
  });

  it("breaks ties the same way every time: earlier rows take earlier columns", () => {
    const edges = [0, 1, 2].flatMap((row) => [0, 1].map((column) => ({ row, column, weight: 3 })));
    expect([...assignOneToOne(3, 2, edges)]).toEqual([0, 1, -1]);
    expect([...assignOneToOne(3, 2, [...edges].reverse())]).toEqual([0, 1, -1]);
  });

  it("handles separate components independently", () => {
    const chosen = assignOneToOne(4, 4, [
      { row: 0, column: 1, weight: 2 },
      { row: 1, column: 1, weight: 3 },
      { row: 2, column: 3, weight: 1 },
    ]);
    expect([...chosen]).toEqual([-1, 1, 3, -1]);
  });
});
