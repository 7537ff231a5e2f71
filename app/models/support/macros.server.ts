/**
 * Macros: saved replies staff insert into a follow-up's reply box, listed by how often they are
 * used. Inserting one fills its placeholders for that follow-up (macro-placeholders.ts), adds the
 * text to the staff member's draft with what the reply does when sent (its status), applies the
 * priority it sets through the ordinary work path (so the timeline, the clocks and the audit log
 * follow), and counts the use.
 * Invariants: a saved macro names no unknown placeholder; every change is in the audit log.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { kbArticles, supportMacros, threads, users, FOLLOW_UP_PRIORITIES } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, read, write } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { MarkdownTooComplexError, renderMarkdown } from "~/lib/markdown.server";
import { parseInput } from "~/lib/forms.server";
import { rowIdField } from "~/lib/row-ids";
import {
  canEditMacros,
  canReadArticle,
  canUseMacros,
  ensure,
  ensureSignedIn,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import { MAX_BODY_LENGTH } from "~/models/community/rules";
import { REPLY_THEN } from "./rules";
import { findFollowUp } from "./access.server";
import { draftOf, saveDraft } from "./drafts.server";
import { fillPlaceholders, placeholdersIn, unknownPlaceholdersMessage } from "./macro-placeholders";
import { workOnFollowUp } from "./work.server";
import { memberColumns } from "~/models/accounts/member-columns.server";
import { plainText } from "~/lib/plain-text";

/** Every macro, most used first (then by title): for /support/macros and the follow-up page's menu. */
export async function listMacros(actor: Actor) {
  ensure(canUseMacros(actor), "Only staff can use macros.");
  return read((db) =>
    db
      .select({
        id: supportMacros.id,
        title: supportMacros.title,
        body: supportMacros.bodyMarkdown,
        setStatus: supportMacros.setStatus,
        setPriority: supportMacros.setPriority,
        useCount: supportMacros.useCount,
        lastUsedAt: supportMacros.lastUsedAt,
      })
      .from(supportMacros)
      .orderBy(desc(supportMacros.useCount), asc(sql`lower(${supportMacros.title})`), asc(supportMacros.id)),
  );
}

/** "" in a form means "leave it as it is". */
const unchangedOr = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z
    .union([z.literal(""), z.enum(values)], { error: message })
    .default("")
    .transform((value) => (value === "" ? null : (value as T[number])));

const macroSchema = z.object({
  title: plainText().min(1, "Give the macro a title.").max(80, "Keep the title under 80 characters."),
  body: z
    .string()
    .trim()
    .min(1, "Write the reply the macro inserts.")
    .max(MAX_BODY_LENGTH, `Keep it under ${MAX_BODY_LENGTH.toLocaleString("en")} characters.`)
    .superRefine((body, context) => {
      const message = unknownPlaceholdersMessage(placeholdersIn(body));
      if (message) context.addIssue({ code: "custom", message });
      // A macro becomes a reply: refuse what a reply would refuse now, not when it is sent.
      try {
        renderMarkdown(body);
      } catch (error) {
        if (!(error instanceof MarkdownTooComplexError)) throw error;
        context.addIssue({ code: "custom", message: error.message });
      }
    }),
  setStatus: unchangedOr(REPLY_THEN, "Choose what the reply does, or leave it unchanged."),
  setPriority: unchangedOr(FOLLOW_UP_PRIORITIES, "Choose a priority, or leave it unchanged."),
});

const macroIdSchema = z.object({
  macro: rowIdField("Choose a macro."),
});

/** The columns a saved form sets. */
const columnsOf = (values: z.infer<typeof macroSchema>) => ({
  title: values.title,
  bodyMarkdown: values.body,
  setStatus: values.setStatus,
  setPriority: values.setPriority,
});

const fieldsOf = (macro: typeof supportMacros.$inferSelect) => ({
  title: macro.title,
  body: macro.bodyMarkdown,
  setStatus: macro.setStatus,
  setPriority: macro.setPriority,
});

const subjectOf = (macro: { id: number; title: string }) => ({
  type: "macro" as const,
  id: macro.id,
  label: macro.title,
});

async function findMacro(id: number) {
  const macro = firstRow(await read((db) => db.select().from(supportMacros).where(eq(supportMacros.id, id))));
  if (!macro) throw new NotFoundError("That macro does not exist.");
  return macro;
}

export async function createMacro(actor: Actor, input: unknown) {
  ensure(canEditMacros(actor), "Only staff can write macros.");
  ensureSignedIn(actor);
  const values = parseInput(macroSchema, input);
  return write(async (db) => {
    await consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    const macro = oneRow(
      await db
        .insert(supportMacros)
        .values({
          ...columnsOf(values),
          createdById: actor.id,
          createdAt: at,
          updatedAt: at,
        })
        .returning(),
    );
    await recordAudit(actor, { action: "macro.create", subject: subjectOf(macro), after: fieldsOf(macro) }, at);
    return { macroId: macro.id };
  });
}

/** Which macro a form means (`id`), read once the actor may touch macros at all. */
const macroTarget = z.object({ id: rowIdField("Choose a macro.") });

export async function updateMacro(actor: Actor, id: unknown, input: unknown) {
  ensure(canEditMacros(actor), "Only staff can change macros.");
  ensureSignedIn(actor);
  const macroId = parseInput(macroTarget, { id }).id;
  const values = parseInput(macroSchema, input);
  return write(async (db) => {
    const before = await findMacro(macroId);
    await consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    const after = oneRow(
      await db
        .update(supportMacros)
        .set({ ...columnsOf(values), updatedAt: at })
        .where(eq(supportMacros.id, macroId))
        .returning(),
    );
    await recordAudit(
      actor,
      { action: "macro.update", subject: subjectOf(after), before: fieldsOf(before), after: fieldsOf(after) },
      at,
    );
    return { macroId };
  });
}

export async function deleteMacro(actor: Actor, id: unknown) {
  ensure(canEditMacros(actor), "Only staff can delete macros.");
  ensureSignedIn(actor);
  const macroId = parseInput(macroTarget, { id }).id;
  return write(async (db) => {
    const macro = await findMacro(macroId);
    await consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    await db.delete(supportMacros).where(eq(supportMacros.id, macroId));
    await recordAudit(actor, { action: "macro.delete", subject: subjectOf(macro), before: fieldsOf(macro) }, at);
    return { macroId };
  });
}

/**
 * The absolute links of the articles `slugs` name that `customer` may read; a message naming each
 * slug that is missing or closed to them.
 */
async function articleLinksFor(customer: Member, slugs: string[]) {
  const wanted = [...new Set(slugs)];
  const articles =
    wanted.length === 0
      ? []
      : await read((db) =>
          db
            .select({ slug: kbArticles.slug, audience: kbArticles.audience })
            .from(kbArticles)
            .where(and(inArray(kbArticles.slug, wanted), isNull(kbArticles.removedAt))),
        );
  const links = new Map(
    articles
      .filter((article) => canReadArticle(customer, article))
      .map((article) => [article.slug, `${publicUrl()}/kb/${article.slug}`]),
  );
  const missing = wanted.filter((slug) => !links.has(slug));
  const problem =
    missing.length === 0
      ? null
      : `No knowledge-base article ${missing.map((slug) => `"${slug}"`).join(", ")} that ${customer.username} may read: fix the macro or pick another.`;
  return { links, problem };
}

/**
 * Inserts a macro into `actor`'s reply on a follow-up: its text, filled for this customer and
 * thread, goes after the draft's text (the page saved the reply box as the draft just before), its
 * status becomes the reply's "Then", its priority is set, and its use is counted. A placeholder that cannot be filled is an
 * error on the macro field, and nothing changes.
 */
export async function applyMacro(actor: Actor, followUpId: number, input: unknown) {
  ensure(canUseMacros(actor), "Only staff can use macros.");
  ensureSignedIn(actor);
  const { macro: macroId } = parseInput(macroIdSchema, input);
  return write(async (db, changed) => {
    const followUp = await findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    const macro = firstRow(await db.select().from(supportMacros).where(eq(supportMacros.id, macroId)));
    if (!macro) throw new ValidationError({ macro: "That macro no longer exists: choose another." });
    await consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    const customer = firstRow(await db.select(memberColumns).from(users).where(eq(users.id, followUp.customerId)))!;
    const thread = firstRow(
      await db.select({ id: threads.id, slug: threads.slug }).from(threads).where(eq(threads.id, followUp.threadId)),
    )!;
    const placeholders = placeholdersIn(macro.bodyMarkdown);
    const articles = await articleLinksFor(
      { kind: "user", ...customer },
      placeholders.flatMap((placeholder) => (placeholder.kind === "kb" ? [placeholder.slug] : [])),
    );
    const problem = [unknownPlaceholdersMessage(placeholders), articles.problem].filter(Boolean).join(" ");
    if (problem) throw new ValidationError({ macro: problem });
    const text = fillPlaceholders(macro.bodyMarkdown, {
      customerName: customer.username,
      threadLink: `${publicUrl()}/questions/${thread.id}/${thread.slug}`,
      articleLinks: articles.links,
    });
    const draft = await draftOf(actor, followUp.id);
    const before = draft?.body.trimEnd() ?? "";
    // The status a macro sets is what the reply does when sent (the "Then" choice), never before:
    // a follow-up resolved or set waiting by a reply nobody sent would mislead the customer.
    const then = REPLY_THEN.find((value) => value === macro.setStatus) ?? draft?.then ?? "open";
    await saveDraft(
      followUp.id,
      actor,
      { body: before ? `${before}\n\n${text}` : text, visibility: draft?.visibility ?? "private", then },
      at,
    );
    if (macro.setPriority)
      await workOnFollowUp(actor, followUp.id, { intent: "priority", priority: macro.setPriority });
    await db
      .update(supportMacros)
      .set({ useCount: sql`${supportMacros.useCount} + 1`, lastUsedAt: at })
      .where(eq(supportMacros.id, macro.id));
    return { followUpId, macroId: macro.id, text };
  });
}
