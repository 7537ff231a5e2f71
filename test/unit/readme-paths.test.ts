// Every path the README names in backticks must exist: a newcomer who follows one to a file that
// moved away finds nothing, and a README that names old paths is worse than none.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Where repository paths start; any other backticked text (commands, URLs, variables) is left alone. */
const ROOTS = ["app/", "db/", "test/", "content/", "public/", ".ci/"];
/** Files at the top of the repository the README may name on their own. */
const TOP_LEVEL_FILES = [
  ".gitignore",
  ".prettierignore",
  ".prettierrc.json",
  "DECISIONS.md",
  "README.md",
  "drizzle.config.ts",
  "eslint.config.js",
  "package-lock.json",
  "package.json",
  "playwright.config.ts",
  "remix.config.js",
  "server.mjs",
  "tsconfig.json",
  "vitest.config.ts",
];
/** A file name standing alone (`opening.server.ts`): in a table row it is in the folder the row names. */
const FILE_NAME = /^[\w.-]+\.(?:ts|tsx|js|mjs|json|md|sql|css|sh)$/;

type NamedPath = { line: number; path: string };

/**
 * Folders `.gitignore` names (`/test/.reports/`): what is under them is made by a run (the build, the
 * benchmark's databases and reports), so the README may say where it goes though no clone has it.
 */
function ignoredFolders() {
  return fs
    .readFileSync(path.resolve(".gitignore"), "utf8")
    .split("\n")
    .map((line) => line.trim().replace(/^\//, ""))
    .filter((line) => line.endsWith("/") && !line.startsWith("#"));
}

/** The repository paths README.md names in backticks, with their line, outside fenced code blocks. */
function readmePaths(readme: string): NamedPath[] {
  const named: NamedPath[] = [];
  let fenced = false;
  readme.split("\n").forEach((text, index) => {
    if (text.trimStart().startsWith("```")) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    const spans = [...text.matchAll(/`([^`\n]+)`/g)].map((match) => match[1].trim());
    // In a table row whose first cell names one folder, a file named on its own is in that folder.
    const firstCell = text.startsWith("|") ? text.split("|")[1] : "";
    const rowFolders = [...firstCell.matchAll(/`([^`]+\/)`/g)].map((match) => match[1]);
    const rowFolder = rowFolders.length === 1 ? rowFolders[0] : undefined;
    for (const span of spans) {
      if (/\s/.test(span) || span.includes("<")) continue; // commands, and placeholders like <domain>
      if (ROOTS.some((root) => span.startsWith(root)) || TOP_LEVEL_FILES.includes(span))
        named.push({ line: index + 1, path: span });
      else if (rowFolder && FILE_NAME.test(span)) named.push({ line: index + 1, path: rowFolder + span });
    }
    // Markdown links to files of the repository, e.g. [DECISIONS.md](DECISIONS.md).
    for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
      if (!/^[a-z]+:/i.test(target)) named.push({ line: index + 1, path: target });
    }
  });
  return named;
}

/** The named paths that do not exist (a path written with a trailing slash must be a folder), as "README.md:line path". */
function missingPaths(named: NamedPath[]) {
  const ignored = ignoredFolders();
  return named
    .filter(({ path: named }) => !ignored.some((folder) => named.startsWith(folder)))
    .filter(({ path: named }) => {
      const full = path.resolve(named);
      if (!fs.existsSync(full)) return true;
      return named.endsWith("/") && !fs.statSync(full).isDirectory();
    })
    .map(({ line, path: named }) => `README.md:${line} ${named}`);
}

describe("the paths README.md names", () => {
  const readme = fs.readFileSync(path.resolve("README.md"), "utf8");

  it("all exist in the repository", () => {
    expect(missingPaths(readmePaths(readme)), "README.md names paths that do not exist").toEqual([]);
  });

  it("are found in the code map, with files named alone resolved against their row's folder", () => {
    const section = readme.slice(readme.indexOf("\n## Where the code is\n"));
    const offset = readme.slice(0, readme.length - section.length).split("\n").length - 1;
    const inSection = readmePaths(readme).filter(({ line }) => line > offset);
    expect(inSection.length).toBeGreaterThan(50);
    expect(
      readmePaths("| `app/models/support/` | `opening.server.ts`, `openDueFollowUps`, `app/models/<domain>/` |"),
    ).toEqual([
      { line: 1, path: "app/models/support/" },
      { line: 1, path: "app/models/support/opening.server.ts" },
    ]);
  });

  it("fail naming each missing path with its line", () => {
    const named = readmePaths("Intro.\n\nSee `app/models/thread.server.ts` and `db/backup.ts`, not `npm run lint`.\n");
    expect(missingPaths(named)).toEqual(["README.md:3 app/models/thread.server.ts", "README.md:3 db/backup.ts"]);
  });
});
