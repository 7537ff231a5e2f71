// The staff queue: its order, its counts, search, saved views, bulk changes and round-robin assignment.
import { and, eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  auditLog,
  categories,
  followUpEvents,
  followUps,
  notifications,
  rateLimitBuckets,
  supportPolicies,
  users,
} from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { countQueries, scriptDb } from "~/lib/db.server";
import { ConflictError, ForbiddenError, ValidationError } from "~/lib/errors.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { createCategory } from "~/models/community/tags.server";
import { escalateThread } from "~/models/support/opening.server";
import { listSupportQueue } from "~/models/support/queue.server";
import { setOnShift } from "~/models/support/round-robin.server";
import { QUEUE_PAGE_SIZE } from "~/models/support/rules";
import { workOnFollowUp, workOnFollowUps } from "~/models/support/work.server";
import { ensureVocabulary, makeThread, makeUser } from "../../fixtures/factories";

const HOUR = 3600_000;
const START = new Date("2026-11-02T09:00:00Z");
const at = (hours: number) => new Date(START.getTime() + hours * HOUR);

let customer: Member;
let otherCustomer: Member;
let staff: Member;
let colleague: Member;
let categoryCount = 0;

beforeAll(async () => {
  await ensureVocabulary();
  customer = await makeUser("customer", { username: "Quinn-Customer", email: "quinn@acme.example" });
  otherCustomer = await makeUser("customer");
  staff = await makeUser("staff");
  colleague = await makeUser("staff");
});
beforeEach(async () => {
  await resetAllLimits();
  setClock(START);
});
afterEach(() => setClock(null));

/** A category of its own for one test, so its queue holds only that test's follow-ups. */
async function freshCategory() {
  categoryCount += 1;
  return (await createCategory({ slug: `queue-${categoryCount}`, name: `Queue ${categoryCount}` })).slug;
}

/** A follow-up in `category` on a question `asker` asked at `hours` (escalated by staff then). */
async function followUpAt(
  hours: number,
  category: string,
  { title = `Hub question asked at ${hours} h`, asker = otherCustomer }: { title?: string; asker?: Member } = {},
) {
  setClock(at(hours));
  const { threadId } = await makeThread(asker, { title, category });
  const { followUpId } = await escalateThread(staff, threadId);
  return followUpId;
}

const queueIds = async (actor: Member, input: Record<string, string>) =>
  (await listSupportQueue(actor, input)).items.map((item) => item.id);

describe("the queue's order", () => {
  it("puts an urgent follow-up on page 1 ahead of normal ones with less time left", async () => {
    const category = await freshCategory();
    const normal: number[] = [];
    for (let i = 0; i < QUEUE_PAGE_SIZE; i += 1) normal.push(await followUpAt(-1 + i * 0.01, category));
    const urgent = await followUpAt(0, category);
    await workOnFollowUp(staff, urgent, { intent: "priority", priority: "urgent" });
    setClock(at(0));
    const page1 = await listSupportQueue(staff, { category });
    expect(page1.items[0].id).toBe(urgent);
    expect(page1.items).toHaveLength(QUEUE_PAGE_SIZE);
    expect(page1.hasNextPage).toBe(true);
    // The rest by time left, then the one left over on page 2.
    expect(page1.items.slice(1).map((item) => item.id)).toEqual(normal.slice(0, QUEUE_PAGE_SIZE - 1));
    expect(await queueIds(staff, { category, page: "2" })).toEqual([normal[QUEUE_PAGE_SIZE - 1]]);
  });

  it("puts breached follow-ups first (by priority), before an urgent one that is not, and freezes the clock of one waiting on the customer", async () => {
    const category = await freshCategory();
    const breached = await followUpAt(-30, category);
    const waitingSinceBeforeDue = await followUpAt(-29, category);
    setClock(at(-28));
    await workOnFollowUp(staff, waitingSinceBeforeDue, { intent: "status", status: "waiting" });
    const high = await followUpAt(-20, category);
    await workOnFollowUp(staff, high, { intent: "priority", priority: "high" });
    const urgent = await followUpAt(0, category);
    await workOnFollowUp(staff, urgent, { intent: "priority", priority: "urgent" });
    const fresh = await followUpAt(-3, category);
    setClock(at(0));
    const { items } = await listSupportQueue(staff, { category });
    // Raised to high (8 h from asking) 20 hours after it was asked, `high` is breached too, and
    // among the breached the higher priority comes first.
    expect(items.map((item) => item.id)).toEqual([high, breached, urgent, fresh, waitingSinceBeforeDue]);
    expect(items.map((item) => item.breached)).toEqual([true, true, false, false, false]);
    // Past its due time by the wall clock, but it was paused a day before that: 23 hours left, frozen.
    expect(items[4].timeLeftMs).toBe(23 * HOUR);
  });

  it("lists resolved follow-ups newest resolved first", async () => {
    const category = await freshCategory();
    const first = await followUpAt(0, category);
    const second = await followUpAt(0, category);
    setClock(at(2));
    await workOnFollowUp(staff, second, { intent: "status", status: "resolved" });
    setClock(at(3));
    await workOnFollowUp(staff, first, { intent: "status", status: "resolved" });
    expect(await queueIds(staff, { category, status: "resolved" })).toEqual([first, second]);
  });

  it("costs the same number of queries for 2 rows as for 8", async () => {
    const category = await freshCategory();
    await followUpAt(0, category);
    await workOnFollowUp(staff, await followUpAt(0, category), { intent: "take" });
    const few = await countQueries(() => listSupportQueue(staff, { category }));
    for (let i = 0; i < 6; i += 1) {
      const id = await followUpAt(0, category);
      await workOnFollowUp(staff, id, { intent: "assign", assignee: i % 2 ? staff.username : colleague.username });
    }
    expect(await countQueries(() => listSupportQueue(staff, { category }))).toBe(few);
  });

  it("is for staff only", async () => {
    await expect(listSupportQueue(customer, {})).rejects.toThrow(ForbiddenError);
    await expect(listSupportQueue(VISITOR, {})).rejects.toThrow(ForbiddenError);
  });
});

describe("counts, search and saved views", () => {
  it("counts each status tab within the other filters", async () => {
    const category = await freshCategory();
    const other = await freshCategory();
    const waiting = await followUpAt(0, category);
    await workOnFollowUp(staff, waiting, { intent: "status", status: "waiting" });
    const urgent = await followUpAt(0, category);
    await workOnFollowUp(staff, urgent, { intent: "priority", priority: "urgent" });
    await workOnFollowUp(staff, urgent, { intent: "take" });
    const resolved = await followUpAt(0, category);
    await workOnFollowUp(staff, resolved, { intent: "status", status: "resolved" });
    await followUpAt(0, category);
    await followUpAt(0, other);
    expect((await listSupportQueue(staff, { category })).counts).toEqual({ new: 1, open: 1, waiting: 1, resolved: 1 });
    expect((await listSupportQueue(staff, { category, priority: "urgent" })).counts).toEqual({ open: 1 });
    expect((await listSupportQueue(staff, { category, view: "mine" })).counts).toEqual({ open: 1 });
    expect((await listSupportQueue(staff, { category: other, status: "resolved" })).counts).toEqual({ new: 1 });
  });

  it("finds a follow-up by its number, and others by title, customer name or email, ignoring case", async () => {
    const category = await freshCategory();
    const lights = await followUpAt(0, category, { title: "Porch lights flicker at dusk" });
    const quinns = await followUpAt(0, category, { title: "Lock jams in the cold", asker: customer });
    const percent = await followUpAt(0, category, { title: "Battery shows 100% then dies" });
    expect(await queueIds(staff, { category, q: `#${lights}` })).toEqual([lights]);
    expect(await queueIds(staff, { category, q: String(quinns) })).toEqual([quinns]);
    expect(await queueIds(staff, { q: `#${lights}`, status: "resolved" })).toEqual([]);
    expect(await queueIds(staff, { category, q: "LIGHTS flicker" })).toEqual([lights]);
    expect(await queueIds(staff, { category, q: "lights cold" })).toEqual([]);
    expect(await queueIds(staff, { category, q: "quinn-cust" })).toEqual([quinns]);
    expect(await queueIds(staff, { category, q: "@ACME.example" })).toEqual([quinns]);
    // LIKE's wildcards are plain characters here.
    expect(await queueIds(staff, { category, q: "100%" })).toEqual([percent]);
    expect(await queueIds(staff, { category, q: "%" })).toEqual([percent]);
    expect(await queueIds(staff, { category, q: "_" })).toEqual([]);
    // An over-long search is cut to its first 100 characters, not an error, and not dropped (which
    // would list everything as if it matched).
    const long = await listSupportQueue(staff, { category, q: "x".repeat(500) });
    expect(long.query.q).toBe("x".repeat(100));
    expect(long.items).toHaveLength(0);
    expect((await listSupportQueue(staff, { category, q: "quinn" })).counts).toEqual({ new: 1 });
  });

  it("has saved views: mine, unassigned, breached and waiting", async () => {
    const category = await freshCategory();
    const breachedMine = await followUpAt(-30, category);
    await workOnFollowUp(staff, breachedMine, { intent: "take" });
    const colleagues = await followUpAt(0, category);
    await workOnFollowUp(staff, colleagues, { intent: "assign", assignee: colleague.username });
    const unassigned = await followUpAt(-1, category);
    const waiting = await followUpAt(-29, category);
    setClock(at(-28));
    await workOnFollowUp(staff, waiting, { intent: "status", status: "waiting" });
    setClock(at(0));
    expect(await queueIds(staff, { category, view: "mine" })).toEqual([breachedMine]);
    expect(await queueIds(colleague, { category, view: "mine" })).toEqual([colleagues]);
    expect((await queueIds(staff, { category, view: "unassigned" })).sort()).toEqual([unassigned, waiting].sort());
    expect(await queueIds(staff, { category, view: "breached" })).toEqual([breachedMine]);
    expect(await queueIds(staff, { category, view: "waiting" })).toEqual([waiting]);
    // An unknown view is no view.
    expect(await queueIds(staff, { category, view: "everything!" })).toHaveLength(4);
  });
});

describe("bulk changes", () => {
  const rowsOf = (ids: number[]) => scriptDb().select().from(followUps).where(inArray(followUps.id, ids));

  it("assigns several follow-ups at once, each with its event, audit record and notice", async () => {
    const category = await freshCategory();
    const ids = [await followUpAt(0, category), await followUpAt(0, category), await followUpAt(0, category)];
    const result = await workOnFollowUps(staff, { intent: "assign", assignee: colleague.username, ids: ids.join(",") });
    expect(result.message).toBe(`3 follow-ups assigned to ${colleague.username}`);
    for (const row of await rowsOf(ids)) expect(row).toMatchObject({ assigneeId: colleague.id, status: "open" });
    const assigned = await scriptDb()
      .select()
      .from(followUpEvents)
      .where(and(inArray(followUpEvents.followUpId, ids), eq(followUpEvents.kind, "assigned")));
    expect(assigned).toHaveLength(3);
    const audits = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "follow-up.update"), inArray(auditLog.subjectId, ids)));
    expect(audits).toHaveLength(3);
    const notices = await scriptDb()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, colleague.id), eq(notifications.kind, "staff-follow-up-assigned")));
    expect(notices.filter((notice) => ids.some((id) => notice.url.endsWith(`/support/${id}`)))).toHaveLength(3);
    // Counted once per follow-up against the staff member's limit.
    const [bucket] = await scriptDb()
      .select()
      .from(rateLimitBuckets)
      .where(eq(rateLimitBuckets.key, `support:user:${staff.id}`));
    expect(bucket.count).toBe(3);
  });

  it("takes, sets the priority and the status of several at once", async () => {
    const category = await freshCategory();
    const ids = [await followUpAt(0, category), await followUpAt(0, category)];
    expect((await workOnFollowUps(staff, { intent: "take", ids: ids.join(",") })).message).toBe(
      `2 follow-ups assigned to you (${staff.username})`,
    );
    expect((await workOnFollowUps(staff, { intent: "priority", priority: "high", ids: ids.join(",") })).message).toBe(
      "2 follow-ups set to high priority",
    );
    expect(
      (await workOnFollowUps(staff, { intent: "status", status: "waiting", ids: `${ids[0]},${ids[1]},${ids[0]}` }))
        .message,
    ).toBe("2 follow-ups moved to waiting on customer");
    for (const row of await rowsOf(ids))
      expect(row).toMatchObject({ assigneeId: staff.id, priority: "high", status: "waiting" });
  });

  it("says what is missing next to the field, and changes nothing when one follow-up cannot change", async () => {
    const category = await freshCategory();
    const id = await followUpAt(0, category);
    const fieldErrors = async (input: Record<string, string>) => {
      const error = await workOnFollowUps(staff, input).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).fieldErrors;
    };
    expect(await fieldErrors({ intent: "take", ids: "" })).toEqual({ ids: "Select at least one follow-up." });
    expect(await fieldErrors({ intent: "assign", ids: String(id) })).toEqual({
      assignee: "Choose who to assign them to.",
    });
    expect(await fieldErrors({ intent: "priority", ids: String(id) })).toEqual({ priority: "Choose a priority." });
    expect(await fieldErrors({ intent: "status", ids: String(id), status: "gone" })).toEqual({
      status: "Choose a status.",
    });
    const tooMany = Array.from({ length: QUEUE_PAGE_SIZE + 1 }, (_, i) => i + 1).join(",");
    expect(await fieldErrors({ intent: "take", ids: tooMany })).toEqual({
      ids: `Select at most ${QUEUE_PAGE_SIZE} follow-ups at once.`,
    });
    expect(await fieldErrors({ intent: "take", ids: "1,abc" })).toEqual({ ids: "Select follow-ups from the list." });
    await expect(workOnFollowUps(staff, { intent: "take", ids: `${id},999999` })).rejects.toThrow(
      new ConflictError("Nothing was changed: follow-up #999999: That follow-up does not exist."),
    );
    expect((await rowsOf([id]))[0].assigneeId).toBeNull();
  });

  it("is refused to customers and visitors", async () => {
    const id = await followUpAt(0, await freshCategory());
    await expect(workOnFollowUps(customer, { intent: "take", ids: String(id) })).rejects.toThrow(ForbiddenError);
    await expect(workOnFollowUps(VISITOR, { intent: "take", ids: String(id) })).rejects.toThrow(ForbiddenError);
    expect((await rowsOf([id]))[0].assigneeId).toBeNull();
  });
});

describe("round-robin assignment", () => {
  let alice: Member;
  let bob: Member;
  let carol: Member;
  beforeAll(async () => {
    alice = await makeUser("staff", { username: "rr-alice" });
    bob = await makeUser("admin", { username: "RR-Bob" });
    carol = await makeUser("staff", { username: "rr-carol" });
  });
  afterEach(async () => {
    await scriptDb().update(users).set({ onShift: false });
  });

  async function policyFor(slug: string, roundRobin: boolean) {
    const [{ id }] = await scriptDb().select({ id: categories.id }).from(categories).where(eq(categories.slug, slug));
    await scriptDb()
      .insert(supportPolicies)
      .values({ categoryId: id, graceMinutes: 0, openHours: '{"1":[["09:00","17:00"]]}', roundRobin });
    return id;
  }

  const assigneeOf = async (followUpId: number) =>
    (await scriptDb().select().from(followUps).where(eq(followUps.id, followUpId)))[0].assigneeId;

  it("hands new follow-ups in turn to the staff on shift, in username order, skipping those off shift", async () => {
    const category = await freshCategory();
    const categoryId = await policyFor(category, true);
    await setOnShift(alice, { onShift: "true" });
    await setOnShift(bob, { onShift: "true" });
    await setOnShift(carol, { onShift: "true" });
    await setOnShift(bob, { onShift: "false" });
    const first = await followUpAt(0, category);
    const second = await followUpAt(0, category);
    const third = await followUpAt(0, category);
    expect([await assigneeOf(first), await assigneeOf(second), await assigneeOf(third)]).toEqual([
      alice.id,
      carol.id,
      alice.id,
    ]);
    const [policy] = await scriptDb().select().from(supportPolicies).where(eq(supportPolicies.categoryId, categoryId));
    expect(policy.lastAssigneeId).toBe(alice.id);
    const [event] = await scriptDb()
      .select()
      .from(followUpEvents)
      .where(and(eq(followUpEvents.followUpId, second), eq(followUpEvents.kind, "assigned")));
    expect(event).toMatchObject({ actorId: null, detail: "rr-carol" });
    const told = await scriptDb()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, carol.id), eq(notifications.kind, "staff-follow-up-assigned")));
    expect(told.map((notice) => notice.url)).toEqual([`/support/${second}`]);
    // Bob comes back on shift: he follows alice (case ignored), then carol.
    await setOnShift(bob, { onShift: "true" });
    const fourth = await followUpAt(0, category);
    const fifth = await followUpAt(0, category);
    expect([await assigneeOf(fourth), await assigneeOf(fifth)]).toEqual([bob.id, carol.id]);
  });

  it("leaves the follow-up unassigned with nobody on shift, round-robin off, or no policy", async () => {
    const nobodyOnShift = await freshCategory();
    await policyFor(nobodyOnShift, true);
    expect(await assigneeOf(await followUpAt(0, nobodyOnShift))).toBeNull();
    await setOnShift(alice, { onShift: "true" });
    const off = await freshCategory();
    await policyFor(off, false);
    expect(await assigneeOf(await followUpAt(0, off))).toBeNull();
    expect(await assigneeOf(await followUpAt(0, await freshCategory()))).toBeNull();
  });

  it("lets staff, and only staff, go on and off shift", async () => {
    expect(await setOnShift(alice, { onShift: "true" })).toEqual({ onShift: true });
    expect((await listSupportQueue(alice, {})).onShift).toBe(true);
    expect(await setOnShift(alice, { onShift: "false" })).toEqual({ onShift: false });
    expect((await listSupportQueue(alice, {})).onShift).toBe(false);
    await expect(setOnShift(customer, { onShift: "true" })).rejects.toThrow(ForbiddenError);
    await expect(setOnShift(alice, { onShift: "maybe" })).rejects.toThrow(ValidationError);
  });
});
