import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "~/lib/http.server";

describe("safeRedirectPath", () => {
  it.each([
    ["/questions/1/hub", "/questions/1/hub"],
    ["/questions?filter=solved#top", "/questions?filter=solved#top"],
    ["/", "/"],
  ])("keeps the local path %s", (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    "/%09/evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
    "evil.example",
    "/\t/evil.example",
    "/%E0%A4%A",
    "",
  ])("refuses %j and falls back", (input) => {
    expect(safeRedirectPath(input, "/fallback")).toBe("/fallback");
  });

  it("falls back when nothing is given", () => {
    expect(safeRedirectPath(null)).toBe("/");
    expect(safeRedirectPath(undefined, "/home")).toBe("/home");
  });
});
