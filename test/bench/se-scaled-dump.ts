// Writes a scaled Stack Exchange dump for the import benchmark: the shared Bicycles Meta dump
// repeated COPIES times, each copy's ids offset by 100,000 × its number (posts, users, history,
// votes, comments, links, badges, and the question ids inside close records), so every copy is a
// whole, consistent site of its own; tags once. Streams line by line (the dump has one row a line).
//   node_modules/.bin/tsx test/bench/se-scaled-dump.ts <copies> <out folder> [dump folder]
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const [copiesArg, out, dumpArg] = process.argv.slice(2);
const copies = Number(copiesArg);
if (!Number.isInteger(copies) || copies < 1 || !out) {
  console.error("Usage: tsx test/bench/se-scaled-dump.ts <copies> <out folder> [dump folder]");
  process.exit(1);
}
const dump = dumpArg ?? fileURLToPath(new URL("../../../shared/data/se-bicycles-meta", import.meta.url));
// Above every id of the shared dump (the largest, a user's, is 71,416).
const OFFSET = 100_000;

/** The attributes holding ids, per file; their values move by the copy's offset. */
const ID_ATTRIBUTES: Record<string, string[]> = {
  "Posts.xml": ["Id", "ParentId", "AcceptedAnswerId", "OwnerUserId", "LastEditorUserId"],
  "PostHistory.xml": ["Id", "PostId", "UserId"],
  "Votes.xml": ["Id", "PostId", "UserId"],
  "Comments.xml": ["Id", "PostId", "UserId"],
  "PostLinks.xml": ["Id", "PostId", "RelatedPostId"],
  "Users.xml": ["Id", "AccountId"],
  "Badges.xml": ["Id", "UserId"],
};

function shifted(line: string, attributes: string[], offset: number) {
  let result = line;
  for (const name of attributes) {
    result = result.replace(new RegExp(`\\b${name}="(-?\\d+)"`), (_, id: string) => `${name}="${Number(id) + offset}"`);
  }
  // Close records name originals inside JSON: {"OriginalQuestionIds":[144],…}
  return result.replace(
    /(&quot;OriginalQuestionIds&quot;:\[)([\d,]+)\]/,
    (_, head: string, ids: string) =>
      `${head}${ids
        .split(",")
        .map((id) => Number(id) + offset)
        .join(",")}]`,
  );
}

fs.mkdirSync(out, { recursive: true });
for (const file of fs.readdirSync(dump).filter((name) => name.endsWith(".xml"))) {
  const lines: string[] = [];
  for await (const line of readline.createInterface({ input: fs.createReadStream(path.join(dump, file)) }))
    lines.push(line);
  const rowLines = lines.filter((line) => line.trimStart().startsWith("<row "));
  const head = lines.slice(
    0,
    lines.findIndex((line) => line.trimStart().startsWith("<row ")),
  );
  const lastRow = Math.max(...lines.flatMap((line, i) => (line.trimStart().startsWith("<row ") ? [i] : [])));
  const tail = lines.slice(lastRow + 1);
  const target = fs.createWriteStream(path.join(out, file));
  const put = async (text: string) => {
    if (!target.write(text)) await new Promise((resolve) => target.once("drain", resolve));
  };
  await put(head.join("\n") + "\n");
  const attributes = ID_ATTRIBUTES[file];
  for (let copy = 0; copy < (attributes ? copies : 1); copy++) {
    await put(rowLines.map((line) => (attributes ? shifted(line, attributes, copy * OFFSET) : line)).join("\n") + "\n");
  }
  await put(tail.join("\n") + "\n");
  await new Promise((resolve) => target.end(resolve));
  console.log(`${file}: ${(fs.statSync(path.join(out, file)).size / 1e6).toFixed(1)} MB`);
}
