import { describe, expect, it } from "vitest";
import { timesText } from "~/lib/counts";

describe("timesText", () => {
  it("says once, not 1 times, and groups thousands", () => {
    expect([0, 1, 2, 1234].map(timesText)).toEqual(["0 times", "once", "2 times", "1,234 times"]);
  });
});
