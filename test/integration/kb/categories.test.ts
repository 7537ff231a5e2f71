import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { VISITOR } from "~/lib/permissions.server";
import { listKnowledgeBase } from "~/models/kb/articles.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { createCategory } from "~/models/community/tags.server";
import { searchSite } from "~/models/search/search.server";
import { ensureVocabulary } from "../../fixtures/factories";

let dir: string;

beforeAll(async () => {
  await ensureVocabulary();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kb-categories-"));
  fs.writeFileSync(
    path.join(dir, "pruning-shears.md"),
    "---\ntitle: Sharpening pruning shears\nsummary: Keep the blades of your shears keen.\ncategory: Orchard Care\n" +
      "tags: [tools]\naudience: public\nupdated: 2026-11-01\n---\n\nHone the bevel of the secateurs gently.\n",
  );
});

describe("a knowledge-base category", () => {
  it("joins the community category of its name created after the article was synced, at the next sync", async () => {
    expect((await syncKnowledgeBase(dir)).added).toEqual(["pruning-shears"]);
    const before = await listKnowledgeBase(VISITOR);
    expect(before.find((group) => group.name === "Orchard Care")?.slug).toBe("orchard-care");

    // As on a fresh install: the demo's categories are seeded after the first sync.
    await createCategory({ slug: "orchard", name: "Orchard Care" });
    const report = await syncKnowledgeBase(dir);
    expect(report).toMatchObject({ added: [], updated: ["pruning-shears"], unchanged: 0 });

    const after = await listKnowledgeBase(VISITOR);
    expect(after.filter((group) => group.name === "Orchard Care").map((group) => group.slug)).toEqual(["orchard"]);
    const inCategory = await searchSite(VISITOR, { q: "secateurs", category: "orchard", type: "articles" });
    expect(inCategory.hits.map((hit) => hit.url)).toEqual(["/kb/pruning-shears"]);
    const inOldCategory = await searchSite(VISITOR, { q: "secateurs", category: "orchard-care", type: "articles" });
    expect(inOldCategory.hits).toEqual([]);

    // Nothing left to change: the next sync leaves it alone.
    expect(await syncKnowledgeBase(dir)).toMatchObject({ added: [], updated: [], unchanged: 1 });
  });

  it("lists the groups in the order of their community categories, then those without one by name", async () => {
    const ordered = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kb-categories-"));
    const article = (slug: string, category: string) =>
      fs.writeFileSync(
        path.join(ordered, `${slug}.md`),
        `---\ntitle: About ${slug}\nsummary: What to know about ${slug}.\ncategory: ${category}\n` +
          `audience: public\nupdated: 2026-11-01\n---\n\nA note on ${slug}.\n`,
      );
    // Community positions put Zinnia first, before Aster; Birch and Alder have no community category.
    await createCategory({ slug: "zinnia", name: "Zinnia Beds", position: -20 });
    await createCategory({ slug: "aster", name: "Aster Beds", position: -10 });
    for (const [slug, category] of [
      ["birch", "Birch Groves"],
      ["aster-seeds", "Aster Beds"],
      ["alder", "Alder Groves"],
      ["zinnia-seeds", "Zinnia Beds"],
    ])
      article(slug, category);
    await syncKnowledgeBase(ordered);
    const names = (await listKnowledgeBase(VISITOR)).map((group) => group.name);
    const ours = names.filter((name) => /Beds|Groves/.test(name));
    expect(ours).toEqual(["Zinnia Beds", "Aster Beds", "Alder Groves", "Birch Groves"]);
  });
});
