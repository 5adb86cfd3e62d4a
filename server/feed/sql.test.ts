import { describe, expect, it } from "vitest";
import { Prisma } from "@/server/db/client";
import { testDb } from "@/server/testing/db";
import { intArray, textArray } from "./sql";

const db = () => testDb();

describe("list parameters", () => {
  it("reach PostgreSQL as the same texts, whatever characters they hold", async () => {
    const values = [
      "plain",
      'with "quotes"',
      "back\\slash",
      "comma, and {braces}",
      "  spaced  ",
      "NULL",
      "",
      "日本 ✓",
      "new\nline",
    ];
    const [row] = await db().$queryRaw<{ values: string[]; found: number }[]>(Prisma.sql`
      SELECT ${textArray(values)} AS values, (SELECT count(*)::int FROM unnest(${textArray(values)}) v WHERE v = ANY(${textArray(["NULL", "back\\slash"])})) AS found`);
    expect(row!.values).toEqual(values);
    expect(row!.found).toBe(2);
  });

  it("reach PostgreSQL as the same integers, and refuse anything else", async () => {
    const [row] = await db().$queryRaw<{ values: number[] }[]>(
      Prisma.sql`SELECT ${intArray([-500, 0, 2_147_483_647])} AS values`,
    );
    expect(row!.values).toEqual([-500, 0, 2_147_483_647]);
    expect(() => intArray([1.5])).toThrow(TypeError);
    const [empty] = await db().$queryRaw<{ n: number }[]>(Prisma.sql`SELECT cardinality(${intArray([])})::int AS n`);
    expect(empty!.n).toBe(0);
  });
});
