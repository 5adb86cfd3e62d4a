import { describe, expect, it } from "vitest";
import { dayNumber, formatDayNumber, monthDayBefore } from "./dates";

describe("calendar days", () => {
  it("counts days from 1970-01-01 and formats them back", () => {
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(dayNumber("2024-02-29")).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    for (const date of ["1999-12-31", "2000-02-29", "2026-03-01", "2100-12-31"])
      expect(formatDayNumber(dayNumber(date)!)).toBe(date);
  });

  it.each(["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-1-5", "20260105", "2026-01-05T00:00", ""])(
    "rejects %j",
    (date) => {
      expect(dayNumber(date)).toBeNull();
    },
  );
});

describe("a month and day without a year", () => {
  it("is the latest such day no more than a week after the row's date", () => {
    expect(formatDayNumber(monthDayBefore(3, 11, dayNumber("2026-03-13")!)!)).toBe("2026-03-11");
    expect(formatDayNumber(monthDayBefore(12, 30, dayNumber("2026-01-02")!)!)).toBe("2025-12-30");
    expect(formatDayNumber(monthDayBefore(1, 2, dayNumber("2025-12-30")!)!)).toBe("2026-01-02");
    expect(formatDayNumber(monthDayBefore(2, 29, dayNumber("2025-03-05")!)!)).toBe("2024-02-29");
  });

  it("is null for a month or day that cannot be one", () => {
    expect(monthDayBefore(13, 1, dayNumber("2026-03-13")!)).toBeNull();
    expect(monthDayBefore(4, 0, dayNumber("2026-03-13")!)).toBeNull();
    expect(monthDayBefore(2, 29, dayNumber("2026-03-05")!)).toBeNull();
  });
});
