import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "~/lib/http.server";
import { REDIRECT_BYPASSES } from "../../fixtures/redirect-bypasses";

describe("safeRedirectPath", () => {
  it.each([
    ["/questions/1/hub", "/questions/1/hub"],
    ["/questions?filter=solved#top", "/questions?filter=solved#top"],
    ["/", "/"],
    ["/kb/../questions", "/questions"],
    ["/a/./b", "/a/b"],
    ["/search?q=a%2F%2Fb", "/search?q=a%2F%2Fb"],
    ["/users/ad%C3%A9", "/users/ad%C3%A9"],
  ])("keeps the local path %s, normalized", (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected);
  });

  it.each([...REDIRECT_BYPASSES, "/%E0%A4%A", "/%", ""])("refuses %j and falls back", (input) => {
    expect(safeRedirectPath(input, "/fallback")).toBe("/fallback");
  });

  it("never returns a path a browser would read as another host", () => {
    // Every dot-segment shape in front of a second slash, plain and encoded.
    const dots = [".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2e%2e"];
    for (const first of dots) {
      for (const second of ["", ...dots]) {
        const input = `/${first}/${second ? `${second}/` : ""}/evil.example`;
        const result = safeRedirectPath(input, "/fallback");
        expect(result, input).not.toMatch(/^\/[/\\]/);
        expect(new URL(result, "https://hearth.example").host, input).toBe("hearth.example");
      }
    }
  });

  it("falls back when nothing is given", () => {
    expect(safeRedirectPath(null)).toBe("/");
    expect(safeRedirectPath(undefined, "/home")).toBe("/home");
  });
});
