// Pages are byte-correct whatever their text (issue 11, item 1): React 18's streaming renderer
// wrote a NUL byte wherever its 2,048-byte buffer boundary split a multi-byte character. These
// pages are dense with 2-, 3- and 4-byte characters, and twelve threads shift everything after
// the question by 0 to 11 bytes, one whole cycle of "é✓中😀" (2 + 3 + 3 + 4 bytes): every
// boundary that falls in that text falls at every position inside a character on some page.
import { beforeAll, describe, expect, it } from "vitest";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

const CYCLE = "é✓中😀";
const CYCLE_BYTES = Buffer.byteLength(CYCLE);
const ANSWERS = 12;
// About 1,800 bytes each: under the length (682 characters) above which React wrote a string
// around its buffer instead of into it, so every answer went through the buffer.
const answerText = (n: number) => `${n} ${CYCLE.repeat(55)}`;

const threadPaths: string[] = [];
let authorName: string;

serveBuiltApp({ casey: "customer@example.com" });
beforeAll(async () => {
  const author = await makeUser("customer");
  authorName = author.username;
  const answerer = await makeUser("customer");
  for (let shift = 0; shift < CYCLE_BYTES; shift++) {
    const thread = await makeThread(author, {
      title: `Ça ne marche pas ${"x".repeat(shift)} ${CYCLE.repeat(8)}`,
      body: `${"x".repeat(shift)} ${CYCLE.repeat(40)}`,
      category: "getting-started",
      tags: "wifi",
    });
    for (let n = 1; n <= ANSWERS; n++) await makeAnswer(answerer, thread.threadId, answerText(n));
    threadPaths.push(`/questions/${thread.threadId}/${thread.slug}`);
  }
});

/** The page's bytes decoded strictly: throws on any invalid UTF-8. */
async function strictText(path: string, cookie?: string) {
  const response = await client.get(path, { cookie });
  expect(response.status, path).toBe(200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

function expectClean(text: string, what: string) {
  expect(text.indexOf("\u0000"), `NUL in ${what}`).toBe(-1);
  expect(text.indexOf("\uFFFD"), `U+FFFD in ${what}`).toBe(-1);
}

describe.each([
  ["a visitor", () => undefined],
  ["a signed-in reader", () => cookies.casey],
])("pages dense with multi-byte text, as %s", (_who, cookie) => {
  it("every thread page is valid UTF-8 with no NUL and no replacement character, and shows all of its text", async () => {
    for (const path of threadPaths) {
      const text = await strictText(path, cookie());
      expectClean(text, path);
      expect(text, path).toContain(answerText(ANSWERS));
    }
  });

  it("the lists, the tag page, search and the author's profile are clean too", async () => {
    for (const path of [
      "/questions",
      "/questions?sort=newest",
      "/tags/wifi",
      `/search?q=${encodeURIComponent("marche")}`,
      `/users/${authorName}`,
    ]) {
      const text = await strictText(path, cookie());
      expectClean(text, path);
      expect(text, path).toContain(CYCLE.repeat(8));
    }
  });
});
