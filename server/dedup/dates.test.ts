import { describe, expect, it } from "vitest";
import { dayNumber, formatDayNumber } from "./dates";

describe("calendar days", () => {
  it("counts days from 1970-01-01 and formats them back", () => {
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(dayNumber("2024-02-29")).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    for (const date of ["1999-12-31", "2000-02-29", "2026-03-01", "2100-12-31"]) expect(formatDayNumber(dayNumber(date)!)).toBe(date);
  });

  it.each(["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-1-5", "20260105", "2026-01-05T00:00", ""])("rejects %j", (date) => {
    expect(dayNumber(date)).toBeNull();
  });
});
