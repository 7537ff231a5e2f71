// Who may see and write what, over real HTTP: every route that takes a post, thread, article,
// follow-up or notification id, for every role, including answers inside hidden and held threads.
// One table of expectations; each row also says which text must not leak into a refusal, and what
// a refused write must have left unchanged in the database.
import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  customerDomainRules,
  flags,
  followUps,
  followUpSurveys,
  kbArticles,
  kbFeedback,
  notifications,
  postComments,
  postRevisions,
  posts,
  privateMessages,
  threads,
  users,
  votes,
} from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { decideOnPost } from "~/models/moderation/review.server";
import { editPost } from "~/models/community/posts.server";
import { markSolution } from "~/models/community/solutions.server";
import { replyOnFollowUp } from "~/models/support/messages.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { client, serveBuiltApp } from "../../fixtures/app-server";
import {
  makeAnswer,
  makeThread,
  makeUser,
  TEST_PASSWORD,
  holdNewMembers,
  stopHoldingNewMembers,
} from "../../fixtures/factories";
import { listCategories } from "~/models/community/tags.server";
import { addComments } from "../../fixtures/imported";

const ROLES = ["visitor", "member", "unconfirmed", "customer", "staff", "admin", "suspended"] as const;
type Role = (typeof ROLES)[number];
const STAFF: Role[] = ["staff", "admin"];
const SIGNED_IN: Role[] = ["member", "unconfirmed", "customer", "staff", "admin", "suspended"];
const READERS: Role[] = ["member", "unconfirmed", "customer", "suspended"];

const cookies: Partial<Record<Role, string>> = {};
const actors = {} as Record<"customer" | "staff" | "suspended" | "asker" | "helper" | "newcomer", Member>;

/** Ids and the text that must stay private, filled in by beforeAll. */
const f = {} as {
  visible: { id: number; slug: string; title: string; answerId: number; answerBody: string };
  hidden: { id: number; slug: string; title: string; questionId: number; answerId: number; answerBody: string };
  held: { id: number; slug: string; title: string; questionId: number; answerId: number; answerBody: string };
  duplicate: { id: number; slug: string };
  hiddenAnswer: { id: number; body: string };
  deletedAnswer: { id: number; body: string };
  redacted: { postId: number; revisionId: number; text: string };
  comment: number;
  customerArticle: string;
  staffArticle: { slug: string; title: string };
  followUp: number;
  suspendedFollowUp: number;
  notification: number;
};

const db = () => scriptDb();

serveBuiltApp();
beforeAll(async () => {
  const [customer, staff, suspended, asker, helper] = [
    await makeUser("customer"),
    await makeUser("staff"),
    await makeUser("customer"),
    await makeUser("member"),
    await makeUser("member"),
  ];
  const member = await makeUser("member");
  const admin = await makeUser("admin");
  // A member whose address is at a customer domain, not yet confirmed: still a member here.
  await db()
    .insert(customerDomainRules)
    .values({ domain: "customers.example", createdById: admin.id, createdAt: new Date() });
  const unconfirmed = await makeUser("member", { email: `unconfirmed-${Date.now()}@customers.example` });
  await db().update(users).set({ emailConfirmedAt: null }).where(eq(users.id, unconfirmed.id));
  Object.assign(actors, { customer, staff, suspended, asker, helper });
  // The demo community's vocabulary (the app seeded it on start).
  const ask = async (author: Member, title: string) =>
    makeThread(author, { title, category: (await listCategories())[0].slug, tags: "" });
  const hide = async (postId: number, decision: "hide" | "delete" = "hide") => {
    await resetAllLimits();
    await decideOnPost(staff, postId, { decision });
  };

  // A visible thread of the customer: an accepted answer, a hidden answer, a deleted one, and an
  // answer whose first version staff redacted.
  const visible = await ask(customer, "Visible thread about the hub's ring colours");
  f.visible = {
    ...visible,
    id: visible.threadId,
    title: "Visible thread about the hub's ring colours",
    answerBody: "Visible answer: hold the button.",
    answerId: (await makeAnswer(helper, visible.threadId, "Visible answer: hold the button.")).postId,
  };
  await markSolution(customer, f.visible.answerId, "accepted");
  f.hiddenAnswer = {
    body: "Hidden answer with something rude",
    id: (await makeAnswer(helper, visible.threadId, "Hidden answer with something rude")).postId,
  };
  await hide(f.hiddenAnswer.id);
  f.deletedAnswer = {
    body: "Deleted answer full of spam",
    id: (await makeAnswer(helper, visible.threadId, "Deleted answer full of spam")).postId,
  };
  await hide(f.deletedAnswer.id, "delete");
  const redactedPost = (await makeAnswer(helper, visible.threadId, "Call me on 555-0199-PRIVATE")).postId;
  await resetAllLimits();
  await editPost(staff, redactedPost, { body: "Call me (number removed by staff)." });
  const revisionId = firstRow(
    await db().select({ id: postRevisions.id }).from(postRevisions).where(eq(postRevisions.postId, redactedPost)),
  )!.id;
  await db()
    .update(postRevisions)
    .set({ redactedAt: new Date(), redactedById: staff.id, redactionReason: "Phone number" })
    .where(eq(postRevisions.id, revisionId));
  f.redacted = { postId: redactedPost, revisionId, text: "555-0199-PRIVATE" };
  // A comment under the visible answer, as an import writes them.
  await addComments(f.visible.answerId, [{ author: asker, body: "A comment from the source site" }]);
  f.comment = firstRow(
    await db().select({ id: postComments.id }).from(postComments).where(eq(postComments.postId, f.visible.answerId)),
  )!.id;

  // A hidden thread with a solved answer (so staff could draft an article from it), and a held one.
  const hidden = await ask(asker, "Hidden thread with a secret title");
  const hiddenAnswer = (await makeAnswer(helper, hidden.threadId, "Answer inside the hidden thread")).postId;
  await markSolution(asker, hiddenAnswer, "accepted");
  await hide(hidden.questionPostId);
  f.hidden = {
    id: hidden.threadId,
    slug: hidden.slug,
    title: "Hidden thread with a secret title",
    questionId: hidden.questionPostId,
    answerId: hiddenAnswer,
    answerBody: "Answer inside the hidden thread",
  };
  await holdNewMembers();
  actors.newcomer = await makeUser("member");
  const held = await ask(actors.newcomer, "Held thread waiting for review");
  await stopHoldingNewMembers();
  const heldAnswer = (await makeAnswer(await makeUser("staff"), held.threadId, "Staff answer inside the held thread"))
    .postId;
  f.held = {
    id: held.threadId,
    slug: held.slug,
    title: "Held thread waiting for review",
    questionId: held.questionPostId,
    answerId: heldAnswer,
    answerBody: "Staff answer inside the held thread",
  };

  // A thread closed as a duplicate of the hidden one.
  const duplicate = await ask(customer, "Duplicate thread pointing at a hidden one");
  await db()
    .update(threads)
    .set({ status: "closed", duplicateOfId: f.hidden.id, closedReason: `Duplicate of "${f.hidden.title}"` })
    .where(eq(threads.id, duplicate.threadId));
  f.duplicate = { id: duplicate.threadId, slug: duplicate.slug };

  await resetAllLimits();
  f.followUp = (await requestFollowUp(customer, f.duplicate.id)).followUpId;
  await replyOnFollowUp(staff, f.followUp, { body: "Which model is it?", visibility: "private", then: "open" });
  f.notification = firstRow(
    await db().select({ id: notifications.id }).from(notifications).where(eq(notifications.userId, customer.id)),
  )!.id;
  // The suspended customer's own follow-up, resolved (so "still not solved" would reopen it).
  const theirs = await ask(suspended, "Suspended customer's own question");
  await resetAllLimits();
  f.suspendedFollowUp = (await requestFollowUp(suspended, theirs.threadId)).followUpId;
  await resetAllLimits();
  await workOnFollowUp(staff, f.suspendedFollowUp, { intent: "status", status: "resolved" });

  const article = async (audience: "customers" | "staff") =>
    firstRow(
      await db()
        .select({ slug: kbArticles.slug, title: kbArticles.title })
        .from(kbArticles)
        .where(eq(kbArticles.audience, audience)),
    )!;
  f.customerArticle = (await article("customers")).slug;
  f.staffArticle = await article("staff");

  const accounts: [Role, Member][] = [
    ["member", member],
    ["unconfirmed", unconfirmed],
    ["customer", customer],
    ["staff", staff],
    ["admin", admin],
    ["suspended", suspended],
  ];
  for (const [role, account] of accounts) {
    await resetAllLimits();
    const email = firstRow(
      await db().select({ email: users.email }).from(users).where(eq(users.id, account.id)),
    )!.email;
    const { cookie } = await client.signIn(email, TEST_PASSWORD);
    if (!cookie) throw new Error(`could not sign in as ${role}`);
    cookies[role] = cookie;
  }
  await db()
    .update(users)
    .set({ suspendedUntil: new Date(Date.now() + 7 * 86_400_000), suspensionReason: "Testing" })
    .where(eq(users.id, suspended.id));
});

type Expect = Partial<Record<Role, number>>;
/** `yes` for the roles listed, `no` for everyone else. */
const only = (roles: Role[], yes: number, no: number): Expect =>
  Object.fromEntries(ROLES.map((role) => [role, roles.includes(role) ? yes : no]));
const all = (status: number): Expect => only([...ROLES], status, status);
/** `status` for the roles listed, no expectation for the others. */
const each = (roles: Role[], status: number): Expect => Object.fromEntries(roles.map((role) => [role, status]));

type Row = {
  name: string;
  method?: "GET" | "POST";
  path: () => string;
  form?: () => Record<string, string>;
  expect: Expect;
  /** Text that must not appear in a response that refuses (3xx/4xx). */
  secrets?: () => string[];
  /** For writes: a snapshot of what a refused write must leave unchanged. */
  state?: () => unknown;
};

const threadPath = (t: { id: number; slug: string }) => `/questions/${t.id}/${t.slug}`;
const voteCount = async (postId: number) =>
  firstRow(await db().select({ n: count() }).from(votes).where(eq(votes.postId, postId)))!.n;
const flagCount = async (postId: number) =>
  firstRow(await db().select({ n: count() }).from(flags).where(eq(flags.postId, postId)))!.n;
const postCount = async (threadId: number) =>
  firstRow(await db().select({ n: count() }).from(posts).where(eq(posts.threadId, threadId)))!.n;
const postBody = async (postId: number) =>
  firstRow(await db().select({ body: posts.bodyMarkdown }).from(posts).where(eq(posts.id, postId)))!.body;
const hiddenSecrets = () => [f.hidden.title, f.hidden.answerBody];
const heldSecrets = () => [f.held.title, f.held.answerBody];

const rows: Row[] = [
  // Thread pages.
  { name: "the visible thread", path: () => threadPath(f.visible), expect: all(200) },
  { name: "a hidden thread", path: () => threadPath(f.hidden), expect: only(STAFF, 200, 404), secrets: hiddenSecrets },
  { name: "a held thread", path: () => threadPath(f.held), expect: only(STAFF, 200, 404), secrets: heldSecrets },
  {
    name: "a duplicate of a hidden thread",
    path: () => threadPath(f.duplicate),
    expect: all(200),
    secrets: () => [f.hidden.title],
  },
  // Revision history, by post id.
  { name: "history of a visible answer", path: () => `/posts/${f.visible.answerId}/history`, expect: all(200) },
  {
    name: "history of an answer in a hidden thread",
    path: () => `/posts/${f.hidden.answerId}/history`,
    expect: only(STAFF, 200, 404),
    secrets: hiddenSecrets,
  },
  {
    name: "history of a hidden thread's question",
    path: () => `/posts/${f.hidden.questionId}/history`,
    expect: only(STAFF, 200, 404),
    secrets: hiddenSecrets,
  },
  {
    name: "history of an answer in a held thread",
    path: () => `/posts/${f.held.answerId}/history`,
    expect: only(STAFF, 200, 404),
    secrets: heldSecrets,
  },
  {
    name: "history of a hidden answer",
    path: () => `/posts/${f.hiddenAnswer.id}/history`,
    expect: only(STAFF, 200, 404),
    secrets: () => [f.hiddenAnswer.body],
  },
  {
    name: "history of a deleted answer",
    path: () => `/posts/${f.deletedAnswer.id}/history`,
    expect: only(STAFF, 200, 404),
    secrets: () => [f.deletedAnswer.body],
  },
  // The flag page: visitors are sent to sign in; suspended accounts may not flag.
  {
    name: "flag page of a visible answer",
    path: () => `/posts/${f.visible.answerId}/flag`,
    expect: { ...only(SIGNED_IN, 200, 302), suspended: 403 },
  },
  {
    name: "flag page of an answer in a hidden thread",
    path: () => `/posts/${f.hidden.answerId}/flag`,
    expect: { ...only(STAFF, 200, 404), visitor: 302 },
    secrets: hiddenSecrets,
  },
  {
    name: "flag page of an answer in a held thread",
    path: () => `/posts/${f.held.answerId}/flag`,
    expect: { ...only(STAFF, 200, 404), visitor: 302 },
    secrets: heldSecrets,
  },
  {
    name: "flag page of a hidden answer",
    path: () => `/posts/${f.hiddenAnswer.id}/flag`,
    expect: { ...only(STAFF, 200, 404), visitor: 302 },
    secrets: () => [f.hiddenAnswer.body],
  },
  // The edit page: someone else's post opens to suggest an edit (staff edit it) when visible, and
  // is a 404 when not; an unconfirmed or suspended account may not suggest.
  {
    name: "edit page of a visible answer",
    path: () => `/posts/${f.visible.answerId}/edit`,
    expect: only([...STAFF, "member", "customer"], 200, 403),
  },
  {
    name: "edit page of an answer in a hidden thread",
    path: () => `/posts/${f.hidden.answerId}/edit`,
    expect: only(STAFF, 200, 404),
    secrets: hiddenSecrets,
  },
  {
    name: "edit page of a deleted answer",
    path: () => `/posts/${f.deletedAnswer.id}/edit`,
    expect: only(STAFF, 200, 404),
    secrets: () => [f.deletedAnswer.body],
  },
  // Knowledge-base drafts: staff only; a question that is not public cannot become an article.
  {
    name: "draft from the visible solved thread",
    path: () => `/kb/drafts/${f.visible.id}`,
    // A visitor is asked to sign in first, as on every staff page.
    expect: { ...only(STAFF, 200, 403), visitor: 302 },
  },
  {
    name: "draft download from the visible solved thread",
    path: () => `/kb/drafts/${f.visible.id}/download`,
    expect: only(STAFF, 200, 403),
  },
  {
    name: "draft from a hidden thread with a visible solution",
    path: () => `/kb/drafts/${f.hidden.id}`,
    expect: { ...only(STAFF, 400, 403), visitor: 302 },
    secrets: hiddenSecrets,
  },
  {
    name: "draft download from a hidden thread",
    path: () => `/kb/drafts/${f.hidden.id}/download`,
    expect: only(STAFF, 400, 403),
    secrets: hiddenSecrets,
  },
  // Articles.
  { name: "a customer-only article", path: () => `/kb/${f.customerArticle}`, expect: all(200) },
  {
    name: "a staff-only article",
    path: () => `/kb/${f.staffArticle.slug}`,
    expect: only(STAFF, 200, 404),
    secrets: () => [f.staffArticle.title],
  },
  // Follow-ups and notifications belong to their customer (and staff); a visitor following an
  // email's link is sent to sign in first.
  {
    name: "the customer's follow-up",
    path: () => `/support/${f.followUp}`,
    expect: { ...only(["customer", ...STAFF], 200, 404), visitor: 302 },
  },
  {
    name: "the customer's notification",
    path: () => `/notifications/${f.notification}`,
    expect: { ...only(["customer"], 302, 404), visitor: 302 },
  },
  // Profiles list what the viewer may see.
  { name: "the answerer's profile", path: () => `/users/${actors.helper.username}`, expect: all(200) },

  // Writes on posts in hidden threads: refused as "not found", and nothing saved.
  {
    name: "vote on an answer in a hidden thread",
    method: "POST",
    path: () => threadPath(f.hidden),
    form: () => ({ intent: "vote", postId: String(f.hidden.answerId), value: "1" }),
    expect: { ...each(READERS, 404), visitor: 403 },
    secrets: hiddenSecrets,
    state: () => voteCount(f.hidden.answerId),
  },
  {
    name: "vote on an answer in a held thread",
    method: "POST",
    path: () => threadPath(f.visible),
    form: () => ({ intent: "vote", postId: String(f.held.answerId), value: "-1" }),
    expect: { ...each(READERS, 404), visitor: 403 },
    secrets: heldSecrets,
    state: () => voteCount(f.held.answerId),
  },
  {
    name: "flag an answer in a hidden thread",
    method: "POST",
    path: () => `/posts/${f.hidden.answerId}/flag`,
    form: () => ({ reason: "spam" }),
    expect: { ...each(READERS, 404), visitor: 403 },
    secrets: hiddenSecrets,
    state: () => flagCount(f.hidden.answerId),
  },
  {
    name: "edit an answer in a hidden thread",
    method: "POST",
    path: () => `/posts/${f.hidden.answerId}/edit`,
    form: () => ({ body: "Overwritten by someone who cannot see it" }),
    expect: { ...each(READERS, 404), visitor: 403 },
    secrets: hiddenSecrets,
    state: () => postBody(f.hidden.answerId),
  },
  {
    name: "answer in a hidden thread",
    method: "POST",
    path: () => threadPath(f.hidden),
    form: () => ({ intent: "answer", body: "An answer nobody may post here" }),
    expect: { ...each(READERS, 404), visitor: 403 },
    secrets: hiddenSecrets,
    state: () => postCount(f.hidden.id),
  },
  {
    name: "verify an answer in a hidden thread",
    method: "POST",
    path: () => threadPath(f.visible),
    form: () => ({ intent: "verify", postId: String(f.hidden.answerId) }),
    expect: { ...each(READERS, 404), visitor: 403 },
    secrets: hiddenSecrets,
    state: async () =>
      firstRow(await db().select({ status: threads.status }).from(threads).where(eq(threads.id, f.hidden.id))),
  },
  ...(["accept", "unaccept"] as const).map((intent): Row => ({
    name: `${intent} the answer in a hidden thread`,
    method: "POST",
    path: () => threadPath(f.hidden),
    form: () => ({ intent, postId: String(f.hidden.answerId) }),
    expect: { ...each(READERS, 404), visitor: 403 },
    secrets: hiddenSecrets,
    state: async () =>
      firstRow(await db().select({ status: threads.status }).from(threads).where(eq(threads.id, f.hidden.id))),
  })),
  {
    name: "ask for a follow-up on a hidden thread",
    method: "POST",
    path: () => threadPath(f.hidden),
    form: () => ({ intent: "follow-up" }),
    expect: { ...each(READERS, 404), visitor: 403 },
    secrets: hiddenSecrets,
    state: async () =>
      firstRow(await db().select({ n: count() }).from(followUps).where(eq(followUps.threadId, f.hidden.id)))!.n,
  },
  {
    name: "moderate a post",
    method: "POST",
    path: () => threadPath(f.visible),
    form: () => ({ intent: "moderate-post", postId: String(f.visible.answerId), decision: "hide" }),
    expect: { ...each(READERS, 403), visitor: 403 },
    state: async () =>
      firstRow(await db().select({ state: posts.moderationState }).from(posts).where(eq(posts.id, f.visible.answerId))),
  },
  {
    name: "lock a thread",
    method: "POST",
    path: () => threadPath(f.visible),
    form: () => ({ intent: "moderate-thread", action: "lock" }),
    expect: { ...each(READERS, 403), visitor: 403 },
    state: async () =>
      firstRow(await db().select({ lockedAt: threads.lockedAt }).from(threads).where(eq(threads.id, f.visible.id))),
  },
  {
    name: "remove a comment",
    method: "POST",
    path: () => threadPath(f.visible),
    form: () => ({ intent: "remove-comment", postId: String(f.visible.answerId), commentId: String(f.comment) }),
    expect: { ...each(READERS, 403), visitor: 403 },
    state: async () =>
      firstRow(
        await db().select({ at: postComments.removedAt }).from(postComments).where(eq(postComments.id, f.comment)),
      ),
  },
  {
    name: "feedback on a customer-only article",
    method: "POST",
    path: () => `/kb/${f.customerArticle}`,
    form: () => ({ helpful: "no" }),
    expect: { visitor: 403, member: 403, unconfirmed: 403, suspended: 403 },
    state: async () => firstRow(await db().select({ n: count() }).from(kbFeedback))!.n,
  },
  {
    name: "feedback on a staff-only article",
    method: "POST",
    path: () => `/kb/${f.staffArticle.slug}`,
    form: () => ({ helpful: "yes" }),
    expect: { visitor: 404, member: 404, customer: 404, suspended: 404 },
    state: async () => firstRow(await db().select({ n: count() }).from(kbFeedback))!.n,
  },
  // Redaction is for staff; a suspended account writes nothing.
  {
    name: "redact a version of a visible answer",
    method: "POST",
    path: () => `/posts/${f.redacted.postId}/history`,
    form: () => ({ intent: "unredact", revisionId: String(f.redacted.revisionId) }),
    expect: { ...each(READERS, 403), visitor: 403 },
    state: async () =>
      firstRow(
        await db()
          .select({ at: postRevisions.redactedAt })
          .from(postRevisions)
          .where(eq(postRevisions.id, f.redacted.revisionId)),
      ),
  },
  {
    name: "vote on a visible answer while suspended",
    method: "POST",
    path: () => threadPath(f.visible),
    form: () => ({ intent: "vote", postId: String(f.visible.answerId), value: "1" }),
    expect: { suspended: 403 },
    state: () => voteCount(f.visible.answerId),
  },
  {
    name: "write privately on one's own follow-up while suspended",
    method: "POST",
    path: () => `/support/${f.suspendedFollowUp}`,
    form: () => ({ intent: "reply", visibility: "private", body: "Written while suspended" }),
    expect: { suspended: 403, customer: 404, member: 404, visitor: 403 },
    state: async () =>
      firstRow(
        await db()
          .select({ n: count() })
          .from(privateMessages)
          .where(eq(privateMessages.followUpId, f.suspendedFollowUp)),
      )!.n,
  },
  {
    name: "reopen one's own resolved follow-up while suspended",
    method: "POST",
    path: () => `/support/${f.suspendedFollowUp}`,
    form: () => ({ intent: "reopen" }),
    expect: { suspended: 403, customer: 404, member: 404, visitor: 403 },
    state: async () =>
      firstRow(
        await db().select({ status: followUps.status }).from(followUps).where(eq(followUps.id, f.suspendedFollowUp)),
      ),
  },
  {
    name: "rate one's own resolved follow-up while suspended",
    method: "POST",
    path: () => `/support/${f.suspendedFollowUp}`,
    form: () => ({ intent: "rate", rating: "1" }),
    expect: { suspended: 403 },
    state: async () =>
      firstRow(
        await db()
          .select({ answeredAt: followUpSurveys.answeredAt })
          .from(followUpSurveys)
          .where(eq(followUpSurveys.followUpId, f.suspendedFollowUp)),
      ),
  },
];

const decode = (html: string) =>
  html.replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&#39;", "'").replaceAll("&amp;", "&");

describe("authorization over HTTP", () => {
  // Reads first: the writes in the table may change what later rows see when a refusal fails.
  it("names a duplicate's original only to readers who may see it", async () => {
    for (const role of ROLES) {
      const page = decode(await (await client.get(threadPath(f.duplicate), { cookie: cookies[role] })).text());
      if (STAFF.includes(role)) expect(page, role).toContain(f.hidden.title);
      else {
        expect(page, role).not.toContain(f.hidden.title);
        expect(page, role).toContain("Closed by a moderator as a duplicate of another question.");
      }
    }
  });

  it("counts on a profile only the answers the viewer may see", async () => {
    const answersOn = async (role: Role) => {
      const page = decode(
        await (await client.get(`/users/${actors.helper.username}`, { cookie: cookies[role] })).text(),
      );
      return Number(/<strong>(\d+)<\/strong> answers/.exec(page)?.[1]);
    };
    // The helper wrote the visible answer, the redacted one, a hidden one, a deleted one and one in the hidden thread.
    expect(await answersOn("visitor")).toBe(2);
    expect(await answersOn("member")).toBe(2);
    expect(await answersOn("staff")).toBe(4);
    for (const role of ["visitor", "member", "customer"] as const) {
      const helper = decode(
        await (await client.get(`/users/${actors.helper.username}`, { cookie: cookies[role] })).text(),
      );
      expect(helper, role).not.toContain(f.hidden.title);
      const newcomer = decode(
        await (await client.get(`/users/${actors.newcomer.username}`, { cookie: cookies[role] })).text(),
      );
      expect(newcomer, role).not.toContain(f.held.title);
    }
  });

  it("shows a redacted version as removed to everyone but staff, who see who removed it and why", async () => {
    for (const role of ROLES) {
      const page = decode(
        await (await client.get(`/posts/${f.redacted.postId}/history`, { cookie: cookies[role] })).text(),
      );
      expect(page, role).toContain("Removed by staff");
      if (STAFF.includes(role)) {
        expect(page, role).toContain(f.redacted.text);
        expect(page, role).toContain("Phone number");
      } else {
        expect(page, role).not.toContain(f.redacted.text);
        expect(page, role).not.toContain("Phone number");
      }
    }
  });

  for (const row of rows) {
    for (const role of ROLES) {
      const expected = row.expect[role];
      if (expected === undefined) continue;
      it(`${row.method ?? "GET"} ${row.name}: a ${role} gets ${expected}`, async () => {
        await resetAllLimits();
        const before = await row.state?.();
        const cookie = cookies[role];
        const response =
          row.method === "POST"
            ? await client.post(row.path(), row.form!(), { cookie })
            : await client.get(row.path(), { cookie });
        expect(response.status).toBe(expected);
        const body = decode(await response.text());
        if (expected >= 300) for (const secret of row.secrets?.() ?? []) expect(body).not.toContain(secret);
        if (expected >= 400 && row.state) expect(await row.state()).toEqual(before);
      });
    }
  }
});
