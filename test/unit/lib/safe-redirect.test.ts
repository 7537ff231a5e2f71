import { describe, expect, it } from "vitest";
import { requireSignedIn, safeRedirectPath } from "~/lib/http.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
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

describe("requireSignedIn", () => {
  const member: Member = { kind: "user", id: 1, username: "sam", role: "member", suspendedUntil: null, trustLevel: 0 };
  const refusal = (url: string) => {
    try {
      requireSignedIn(new Request(url), { actor: VISITOR });
    } catch (thrown) {
      return thrown as Response;
    }
    throw new Error("a visitor was let through");
  };

  it("lets a signed-in member through", () => {
    expect(requireSignedIn(new Request("http://hearth.test/my/support"), { actor: member })).toBe(member);
  });

  it("sends a visitor to sign in, then back to the same path (without the query)", () => {
    const response = refusal("http://hearth.test/posts/12/flag?reason=spam");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/posts/12/flag")}`);
  });

  it("never names a path a browser would read as another host", () => {
    expect(refusal("http://hearth.test//evil.example/x").headers.get("location")).toBe("/login?redirectTo=%2F");
  });
});
