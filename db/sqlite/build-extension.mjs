// Builds db/sqlite/hearth_rank.c (search ranking, DECISIONS.md #86) into db/sqlite/build/, against
// the SQLite headers better-sqlite3 ships. Run by `npm ci`/`npm install` and `npm run build`; it
// rebuilds only when the source is newer. Without a C compiler it says so and exits 0: the app then
// ranks with FTS5's own bm25, the same order, only slower for common words.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, "hearth_rank.c");
const target = path.join(here, "build", process.platform === "darwin" ? "hearth_rank.dylib" : "hearth_rank.so");
const headers = path.resolve(here, "../../node_modules/better-sqlite3/deps/sqlite3");

const built = fs.statSync(target, { throwIfNoEntry: false });
if (built && built.mtimeMs >= fs.statSync(source).mtimeMs) process.exit(0);
const compiler = process.env.CC || "cc";
fs.mkdirSync(path.dirname(target), { recursive: true });
try {
  const shared = process.platform === "darwin" ? ["-dynamiclib", "-undefined", "dynamic_lookup"] : ["-shared"];
  execFileSync(compiler, ["-O2", "-fPIC", ...shared, "-I", headers, "-o", target, source, "-lm"], { stdio: "inherit" });
  console.log(`Built ${path.relative(process.cwd(), target)} (search ranking).`);
} catch (error) {
  console.warn(
    `Could not build ${path.relative(process.cwd(), source)} with ${compiler} (${error.message.split("\n")[0]}): ` +
      "search will rank with FTS5's bm25, slower for common words. Install a C compiler (apt-get install gcc) and run npm run build.",
  );
}
