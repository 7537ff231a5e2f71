import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CORPUS_DIR, loadCorpus } from "../../../db/seed/synthetic";

const folders: string[] = [];
function corpusFolder(sentences: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-corpus-"));
  folders.push(dir);
  const text = Array.from(
    { length: sentences },
    (_, i) => `Sentence number ${i} says something long enough to be kept.`,
  ).join(" ");
  fs.mkdirSync(path.join(dir, "guide"));
  fs.writeFileSync(path.join(dir, "guide", "page.md"), `---\ntitle: Page\n---\n${text}\n`);
  return dir;
}

afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("loadCorpus", () => {
  it("reads the sentences of every Markdown file in the folder it is given", () => {
    const sentences = loadCorpus(corpusFolder(150));
    expect(sentences).toHaveLength(150);
    expect(sentences[0]).toBe("Sentence number 0 says something long enough to be kept.");
  });

  it("stops, naming the folder it looked for, when the corpus is missing instead of switching to other text", () => {
    const missing = path.join(os.tmpdir(), "hearth-no-such-corpus");
    expect(() => loadCorpus(missing)).toThrow(`${missing} does not exist`);
    expect(() => loadCorpus(missing)).toThrow("--corpus demo");
  });

  it("stops when the folder holds too little text to resample", () => {
    expect(() => loadCorpus(corpusFolder(20))).toThrow("has 20 usable sentences");
  });

  it("uses the demo community's text only when asked for it", () => {
    expect(loadCorpus("demo").length).toBeGreaterThan(50);
  });

  it("looks for the shared documentation beside the checkout by default", () => {
    expect(DEFAULT_CORPUS_DIR).toBe(
      path.resolve(import.meta.dirname, "../../../../shared/data/kb-mastodon-docs/content-en"),
    );
  });
});
