import { describe, expect, it } from "vitest";
import {
  addOpenTime,
  CALENDAR_CLOCK,
  OFFICE_HOURS,
  openTimeBetween,
  parseDaySpans,
  readOpenHours,
  type SupportCalendar,
} from "~/models/support/open-hours";

const H = 3600_000;
const business = (timeZone: string, holidays: string[] = [], openHours = OFFICE_HOURS): SupportCalendar => ({
  clock: "business",
  timeZone,
  openHours,
  holidays: new Set(holidays),
});

describe("calendar clock", () => {
  it("counts every hour, nights and weekends included", () => {
    const from = new Date("2026-11-27T16:00:00Z"); // a Friday
    expect(addOpenTime(from, 24 * H, CALENDAR_CLOCK).toISOString()).toBe("2026-11-28T16:00:00.000Z");
    expect(openTimeBetween(from, new Date("2026-11-30T16:00:00Z"), CALENDAR_CLOCK)).toBe(72 * H);
  });
});

describe("business clock", () => {
  const london = business("Europe/London");

  it("a target asked on Friday afternoon runs over the weekend into Monday", () => {
    // Friday 27 November 2026, 16:00 in London (UTC+0): 1 open hour left that day, 7 more on Monday.
    const due = addOpenTime(new Date("2026-11-27T16:00:00Z"), 8 * H, london);
    expect(due.toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(openTimeBetween(new Date("2026-11-27T16:00:00Z"), due, london)).toBe(8 * H);
  });

  it("a question asked at night starts counting when the desk opens", () => {
    const due = addOpenTime(new Date("2026-12-01T22:30:00Z"), 2 * H, london);
    expect(due.toISOString()).toBe("2026-12-02T11:00:00.000Z");
  });

  it("24 open hours are three working days", () => {
    const due = addOpenTime(new Date("2026-11-30T09:00:00Z"), 24 * H, london); // Monday 09:00
    expect(due.toISOString()).toBe("2026-12-02T17:00:00.000Z");
  });

  it("skips holidays", () => {
    const withChristmas = business("Europe/London", ["2026-12-25"]);
    // Thursday 24 December 16:00: 1 hour that day; Friday 25 is a holiday; Monday 28 gives the rest.
    const due = addOpenTime(new Date("2026-12-24T16:00:00Z"), 3 * H, withChristmas);
    expect(due.toISOString()).toBe("2026-12-28T11:00:00.000Z");
    expect(openTimeBetween(new Date("2026-12-25T00:00:00Z"), new Date("2026-12-26T00:00:00Z"), withChristmas)).toBe(0);
  });

  it("follows the category's time zone", () => {
    const tokyo = business("Asia/Tokyo");
    // Monday 30 November 2026 09:00 in Tokyo is Sunday 29 November 2026 24:00 UTC.
    expect(openTimeBetween(new Date("2026-11-30T00:00:00Z"), new Date("2026-11-30T09:00:00Z"), tokyo)).toBe(8 * H);
    expect(addOpenTime(new Date("2026-11-29T12:00:00Z"), H, tokyo).toISOString()).toBe("2026-11-30T01:00:00.000Z");
  });

  it("counts wall-clock hours across the spring daylight-saving change", () => {
    const newYork = business("America/New_York", [], {
      ...OFFICE_HOURS,
      0: [["00:00", "24:00"]],
    });
    // Sunday 8 March 2026: clocks jump from 02:00 to 03:00, so the day has 23 hours.
    const sundayStart = new Date("2026-03-08T05:00:00Z"); // 00:00 EST
    const mondayStart = new Date("2026-03-09T04:00:00Z"); // 00:00 EDT
    expect(openTimeBetween(sundayStart, mondayStart, newYork)).toBe(23 * H);
    // Monday 09:00 EDT is 13:00 UTC (it was 14:00 UTC the week before).
    expect(addOpenTime(mondayStart, H, newYork).toISOString()).toBe("2026-03-09T14:00:00.000Z");
    expect(addOpenTime(new Date("2026-03-02T05:00:00Z"), H, newYork).toISOString()).toBe("2026-03-02T15:00:00.000Z");
  });

  it("reads a span that starts inside the skipped hour as starting when the clocks show that time again", () => {
    const newYork = business("America/New_York", [], { ...OFFICE_HOURS, 0: [["02:30", "04:00"]] });
    // Sunday 8 March 2026: 02:30 does not exist; it is read as 03:30 EDT (07:30Z), so 30 minutes count.
    expect(openTimeBetween(new Date("2026-03-08T00:00:00Z"), new Date("2026-03-09T00:00:00Z"), newYork)).toBe(0.5 * H);
    expect(addOpenTime(new Date("2026-03-08T05:00:00Z"), 60_000, newYork).toISOString()).toBe(
      "2026-03-08T07:31:00.000Z",
    );
  });

  it("counts the autumn change's repeated hour once the desk is open through it", () => {
    const paris = business("Europe/Paris", [], { ...OFFICE_HOURS, 0: [["00:00", "24:00"]] });
    // Sunday 25 October 2026 has 25 hours in Paris.
    expect(openTimeBetween(new Date("2026-10-24T22:00:00Z"), new Date("2026-10-25T23:00:00Z"), paris)).toBe(25 * H);
  });

  it("negative when the second moment is earlier (overdue)", () => {
    expect(openTimeBetween(new Date("2026-11-30T12:00:00Z"), new Date("2026-11-30T10:00:00Z"), london)).toBe(-2 * H);
  });

  it("a long target walks weeks of schedule", () => {
    const due = addOpenTime(new Date("2026-11-30T09:00:00Z"), 400 * H, london); // 50 working days
    expect(openTimeBetween(new Date("2026-11-30T09:00:00Z"), due, london)).toBe(400 * H);
  });
});

describe("typed hours", () => {
  it("reads spans and refuses what is not one", () => {
    expect(parseDaySpans("9:00-12:30, 13:30-17:00")).toEqual([
      ["09:00", "12:30"],
      ["13:30", "17:00"],
    ]);
    expect(parseDaySpans("closed")).toEqual([]);
    expect(parseDaySpans("17:00-09:00")).toMatch(/ends before/);
    expect(parseDaySpans("09:00-13:00, 12:00-17:00")).toMatch(/overlap/);
    expect(parseDaySpans("25:00-26:00")).toMatch(/not a time/);
    expect(parseDaySpans("nine to five")).toMatch(/09:00-17:00/);
  });
});

describe("stored hours", () => {
  it("reads days left out as closed, and refuses what is not a schedule", () => {
    expect(readOpenHours('{"1":[["09:00","17:00"]]}')).toEqual({
      0: [],
      1: [["09:00", "17:00"]],
      2: [],
      3: [],
      4: [],
      5: [],
      6: [],
    });
    expect(readOpenHours('{"1":[["9","5"]]}')).toBeNull();
    expect(readOpenHours("not json")).toBeNull();
  });
});
