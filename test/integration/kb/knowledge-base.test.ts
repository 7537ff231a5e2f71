import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/lib/errors.server";
import { VISITOR, type Actor, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { draftArticleFromThread } from "~/models/kb/drafts.server";
import { recordArticleFeedback } from "~/models/kb/feedback.server";
import { getArticlePage, listKnowledgeBase, listReadableArticles } from "~/models/kb/articles.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { parseArticleFile } from "~/models/kb/frontmatter.server";
import { markSolution } from "~/models/community/solutions.server";
import { findSimilar, searchSite } from "~/models/search/search.server";
import { ensureVocabulary, makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const file = (title: string, audience: string, body: string, extra = "") =>
  `---\ntitle: ${title}\nsummary: Summary of ${title.toLowerCase()} for readers.\ncategory: General\ntags: [wifi]\naudience: ${audience}\nupdated: 2026-11-01\n${extra}---\n\n${body}\n`;

let dir: string;
const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

let member: Member;
let customer: Member;
let staff: Member;
let roles: Record<string, Actor>;

beforeAll(async () => {
  await ensureVocabulary();
  member = await makeUser("member");
  customer = await makeUser("customer");
  staff = await makeUser("staff");
  roles = { visitor: VISITOR, member, customer, staff };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kb-"));
  write("router-basics.md", file("Router basics", "public", "## Channels\n\nPick channel 6 for the **router**."));
  write(
    "pairing-secrets.md",
    file("Pairing a lock", "customers", "## PIN\n\nEnter the zanzibar code from the sticker."),
  );
  write("escalation-playbook.md", file("Escalation playbook", "staff", "Page the quokka on call."));
  const report = await syncKnowledgeBase(dir);
  expect(report.problems).toEqual([]);
  expect(report.added.sort()).toEqual(["escalation-playbook", "pairing-secrets", "router-basics"]);
});

beforeEach(() => resetAllLimits());

describe("kb:sync", () => {
  it("changes nothing when run again on the same files", async () => {
    expect(await syncKnowledgeBase(dir)).toEqual({ added: [], updated: [], removed: [], unchanged: 3, problems: [] });
  });

  it("reports a broken file with its path and line, skips it, and still loads the rest", async () => {
    write("broken.md", file("Broken", "everyone", "Text"));
    write("fresh.md", file("Fresh article", "public", "Brand new."));
    const report = await syncKnowledgeBase(dir);
    expect(report.added).toEqual(["fresh"]);
    expect(report.problems).toEqual([
      {
        path: path.relative(process.cwd(), path.join(dir, "broken.md")),
        line: 6,
        message: "audience: one of public, customers, staff",
      },
    ]);
    expect((await getArticlePage(VISITOR, "fresh", null)).access).toBe("full");
    await expect(getArticlePage(VISITOR, "broken", null)).rejects.toThrow(NotFoundError);
    fs.rmSync(path.join(dir, "broken.md"));
  });

  it("updates changed files, keeps the last good version of a file that breaks, and removes deleted files", async () => {
    write("fresh.md", file("Fresh article", "public", "Rewritten with marmalade."));
    expect((await syncKnowledgeBase(dir)).updated).toEqual(["fresh"]);
    expect((await searchSite(VISITOR, { q: "marmalade" })).hits.map((hit) => hit.url)).toEqual(["/kb/fresh"]);

    write("fresh.md", "---\ntitle: [unclosed\n---\nBody");
    const broken = await syncKnowledgeBase(dir);
    expect(broken.removed).toEqual([]);
    expect(broken.problems).toHaveLength(1);
    expect((await getArticlePage(VISITOR, "fresh", null)).access).toBe("full");

    fs.rmSync(path.join(dir, "fresh.md"));
    expect((await syncKnowledgeBase(dir)).removed).toEqual(["fresh"]);
    await expect(getArticlePage(VISITOR, "fresh", null)).rejects.toThrow(NotFoundError);
    expect((await searchSite(VISITOR, { q: "marmalade" })).hits).toEqual([]);
  });

  it("renders a table of contents and highlighted code", async () => {
    write(
      "with-code.md",
      file(
        "With code",
        "public",
        "## First step\n\n```bash\nnimbus reset --soft # keeps devices\n```\n\n### Detail\n\n## Second step\n\nDone.",
      ),
    );
    await syncKnowledgeBase(dir);
    const page = await getArticlePage(VISITOR, "with-code", null);
    if (page.access !== "full") throw new Error("expected the full article");
    expect(page.article.toc).toEqual([
      { depth: 2, id: "first-step", text: "First step" },
      { depth: 3, id: "detail", text: "Detail" },
      { depth: 2, id: "second-step", text: "Second step" },
    ]);
    expect(page.article.bodyHtml).toContain('<h2 id="first-step">');
    expect(page.article.bodyHtml).toContain('<span class="hljs-comment"># keeps devices</span>');
  });

  it("keeps script out of an article even when a commit puts it there", async () => {
    write(
      "hostile.md",
      file(
        "Hostile",
        "public",
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
      ),
    );
    await syncKnowledgeBase(dir);
    const page = await getArticlePage(VISITOR, "hostile", null);
    if (page.access !== "full") throw new Error("expected the full article");
    expect(page.article.bodyHtml).not.toMatch(/<script|onerror|javascript:/i);
  });
});

describe("audience", () => {
  const access = async (actor: Actor, slug: string) => {
    try {
      return (await getArticlePage(actor, slug, null)).access;
    } catch (error) {
      if (error instanceof NotFoundError) return "404";
      throw error;
    }
  };

  it.each([
    ["visitor", "full", "teaser", "404"],
    ["member", "full", "teaser", "404"],
    ["customer", "full", "full", "404"],
    ["staff", "full", "full", "full"],
  ])(
    "a %s reads public: %s, customer-only: %s, staff-only: %s",
    async (role, publicAccess, customerAccess, staffAccess) => {
      expect(await access(roles[role], "router-basics")).toBe(publicAccess);
      expect(await access(roles[role], "pairing-secrets")).toBe(customerAccess);
      expect(await access(roles[role], "escalation-playbook")).toBe(staffAccess);
    },
  );

  it("gives a teaser title and summary only, never the body", async () => {
    const page = await getArticlePage(member, "pairing-secrets", null);
    expect(page.access).toBe("teaser");
    expect(JSON.stringify(page)).not.toContain("zanzibar");
    expect(page.article.summary).toBe("Summary of pairing a lock for readers.");
  });

  it("lists customer-only articles as teasers and staff-only ones to staff alone", async () => {
    const slugsFor = async (actor: Actor) =>
      (await listKnowledgeBase(actor)).flatMap((group) =>
        group.articles.map((a) => `${a.slug}${a.teaser ? " (teaser)" : ""}`),
      );
    expect(await slugsFor(VISITOR)).toEqual(expect.arrayContaining(["pairing-secrets (teaser)", "router-basics"]));
    expect(await slugsFor(VISITOR)).not.toContain("escalation-playbook");
    expect(await slugsFor(customer)).toContain("pairing-secrets");
    expect(await slugsFor(staff)).toContain("escalation-playbook");
  });

  it("feeds and sitemaps list only what the reader may read in full", async () => {
    expect((await listReadableArticles(VISITOR)).map((a) => a.slug)).not.toEqual(
      expect.arrayContaining(["pairing-secrets"]),
    );
    expect((await listReadableArticles(VISITOR)).map((a) => a.slug)).not.toContain("escalation-playbook");
    expect((await listReadableArticles(customer)).map((a) => a.slug)).toContain("pairing-secrets");
    expect((await listReadableArticles(customer)).map((a) => a.slug)).not.toContain("escalation-playbook");
  });

  const urls = async (actor: Actor, q: string) => (await searchSite(actor, { q })).hits.map((hit) => hit.url);

  it("searches a customer-only body for customers only; others find it by title, as a teaser", async () => {
    expect(await urls(VISITOR, "zanzibar")).toEqual([]);
    expect(await urls(member, "zanzibar")).toEqual([]);
    expect(await urls(customer, "zanzibar")).toEqual(["/kb/pairing-secrets"]);
    const teaserHit = (await searchSite(VISITOR, { q: "pairing lock" })).hits.find(
      (hit) => hit.url === "/kb/pairing-secrets",
    );
    expect(teaserHit).toMatchObject({ type: "article", teaser: true });
    expect(JSON.stringify(teaserHit)).not.toContain("zanzibar");
  });

  it("never shows a staff-only article in search to anyone but staff", async () => {
    for (const role of ["visitor", "member", "customer"]) {
      expect(await urls(roles[role], "quokka")).toEqual([]);
      expect(await urls(roles[role], "escalation playbook")).toEqual([]);
    }
    expect(await urls(staff, "quokka")).toEqual(["/kb/escalation-playbook"]);
  });

  it("suggests only articles the reader can open while they type a question", async () => {
    expect((await findSimilar(VISITOR, "pairing lock zanzibar")).map((hit) => hit.url)).not.toContain(
      "/kb/pairing-secrets",
    );
    expect((await findSimilar(customer, "pairing lock zanzibar")).map((hit) => hit.url)).toContain(
      "/kb/pairing-secrets",
    );
    expect(await findSimilar(customer, "escalation playbook quokka")).toEqual([]);
  });
});

describe("was this helpful?", () => {
  it("keeps one answer per signed-in user and per anonymous browser, and shows staff the tallies", async () => {
    await recordArticleFeedback(
      member,
      "router-basics",
      `user:${member.id}`,
      { helpful: "yes" },
      { address: "10.0.0.1" },
    );
    await recordArticleFeedback(
      member,
      "router-basics",
      `user:${member.id}`,
      { helpful: "no", comment: "Channel 6 was busy here." },
      { address: "10.0.0.1" },
    );
    await recordArticleFeedback(VISITOR, "router-basics", "browser:aaaa", { helpful: "yes" }, { address: "10.0.0.2" });
    await recordArticleFeedback(VISITOR, "router-basics", "browser:aaaa", { helpful: "yes" }, { address: "10.0.0.2" });
    await recordArticleFeedback(VISITOR, "router-basics", "browser:bbbb", { helpful: "yes" }, { address: "10.0.0.2" });

    const staffView = await getArticlePage(staff, "router-basics", null);
    if (staffView.access !== "full") throw new Error("expected the full article");
    expect(staffView.feedback).toMatchObject({ helpful: 2, notHelpful: 1 });
    expect(staffView.feedback!.comments).toEqual([
      expect.objectContaining({ comment: "Channel 6 was busy here.", helpful: false, username: member.username }),
    ]);

    const memberView = await getArticlePage(member, "router-basics", `user:${member.id}`);
    if (memberView.access !== "full") throw new Error("expected the full article");
    expect(memberView.feedback).toBeNull();
    expect(memberView.myFeedback).toEqual({ helpful: false, comment: "Channel 6 was busy here." });
  });

  it("refuses feedback on what the reader may not read, and bad input", async () => {
    await expect(
      recordArticleFeedback(VISITOR, "pairing-secrets", "browser:cccc", { helpful: "yes" }, { address: "x" }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      recordArticleFeedback(
        customer,
        "escalation-playbook",
        `user:${customer.id}`,
        { helpful: "yes" },
        { address: "x" },
      ),
    ).rejects.toThrow(NotFoundError);
    await expect(
      recordArticleFeedback(customer, "router-basics", `user:${customer.id}`, { helpful: "maybe" }, { address: "x" }),
    ).rejects.toThrow(ValidationError);
    await expect(
      recordArticleFeedback(
        customer,
        "router-basics",
        `user:${customer.id}`,
        { helpful: "no", comment: "x".repeat(1001) },
        { address: "x" },
      ),
    ).rejects.toThrow(ValidationError);
  });
});

describe("drafting an article from a solved thread", () => {
  it("produces Markdown with frontmatter that kb:sync accepts, from the verified answer", async () => {
    const asker = await makeUser("customer");
    const { threadId } = await makeThread(asker, {
      title: "Hub forgets Wi-Fi after a power cut",
      body: "After every power cut the hub blinks yellow. What can I do?",
      tags: "wifi, firmware",
    });
    const { postId: other } = await makeAnswer(member, threadId, "Try turning it off and on.");
    const { postId: good } = await makeAnswer(staff, threadId, "Update to **4.2.1**; it keeps the Wi-Fi settings.");
    await markSolution(asker, other, "accepted");
    await markSolution(staff, good, "verified");

    await expect(draftArticleFromThread(customer, threadId, "https://example.test")).rejects.toThrow(ForbiddenError);
    const draft = await draftArticleFromThread(staff, threadId, "https://example.test");
    expect(draft.fileName).toBe("hub-forgets-wi-fi-after-a-power-cut.md");
    expect(draft.markdown).toContain("Update to **4.2.1**");
    expect(draft.markdown).not.toContain("Try turning it off and on.");
    const parsed = parseArticleFile(draft.markdown, "hub-forgets-wi-fi-after-a-power-cut");
    expect(parsed).toMatchObject({
      ok: true,
      article: {
        title: "Hub forgets Wi-Fi after a power cut",
        summary: "After every power cut the hub blinks yellow.",
        tags: ["firmware", "wifi"],
        audience: "customers",
      },
    });
    expect(draft.markdown).toContain(`source: https://example.test/questions/${threadId}/`);
  });

  it("refuses a thread without an accepted or verified answer", async () => {
    const { threadId } = await makeThread(await makeUser("member"));
    await expect(draftArticleFromThread(staff, threadId, "https://example.test")).rejects.toThrow(ConflictError);
  });
});
