// The support queue over real HTTP, as a browser without JavaScript uses it: the page's own forms, posted as they are.
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { followUps, users } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { openDueFollowUps } from "~/models/support/opening.server";
import { app, client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({ staff: "staff@example.com", casey: "customer@example.com" });
beforeAll(() => openDueFollowUps(new Date()));

/** The queue page's bulk form: where it posts, the follow-ups it lists, and whom it can assign to. */
async function bulkForm() {
  const html = await (await client.get("/support", { cookie: cookies.staff })).text();
  const form = /<form method="post" action="([^"]+)" aria-label="Follow-ups"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  expect(form).not.toBeNull();
  const [, action, body] = form!;
  const ids = [...body.matchAll(/<input type="checkbox" name="ids"[^>]* value="(\d+)"/g)].map((match) => match[1]);
  const select = /<select id="bulk-assignee" name="assignee"[^>]*>([\s\S]*?)<\/select>/.exec(body)![1];
  const assignees = [...select.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]);
  return { action: action.replaceAll("&amp;", "&"), ids, assignees };
}

/** Posts like a browser's form submission: one `ids` field per ticked box. */
function postForm(path: string, fields: [string, string][], cookie?: string) {
  return fetch(app.baseUrl + path, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams(fields),
    headers: { origin: app.baseUrl, "sec-fetch-site": "same-origin", ...(cookie ? { cookie } : {}) },
  });
}

describe("the support queue over HTTP", () => {
  it("assigns three follow-ups with a plain form post, and says so", async () => {
    const { action, ids, assignees } = await bulkForm();
    expect(action).toBe("/support?index");
    const chosen = ids.slice(0, 3);
    expect(chosen).toHaveLength(3);
    const assignee = assignees.find((name) => name !== "sam-support")!;
    const response = await postForm(
      action,
      // Every field of the bar goes with the pressed button, the unused ones empty.
      [
        ...chosen.map((id): [string, string] => ["ids", id]),
        ["assignee", assignee],
        ["priority", ""],
        ["status", ""],
        ["intent", "assign"],
      ],
      cookies.staff,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`3 follow-ups assigned to ${assignee}`);
    const rows = await scriptDb()
      .select({ assignee: users.username })
      .from(followUps)
      .innerJoin(users, eq(users.id, followUps.assigneeId))
      .where(inArray(followUps.id, chosen.map(Number)));
    expect(rows.map((row) => row.assignee)).toEqual([assignee, assignee, assignee]);
  });

  it("answers a bulk post with nothing selected or nobody chosen with a 400 and the message by the field", async () => {
    const { action, ids } = await bulkForm();
    const nothing = await postForm(
      action,
      [
        ["assignee", "priya-support"],
        ["priority", ""],
        ["status", ""],
        ["intent", "assign"],
      ],
      cookies.staff,
    );
    expect(nothing.status).toBe(400);
    const page = await nothing.text();
    expect(page).toContain("Select at least one follow-up.");
    // What was chosen is still chosen.
    expect(page).toMatch(/<select id="bulk-assignee"[\s\S]*?<option value="priya-support" selected="">/);
    const nobody = await postForm(
      action,
      [
        ["ids", ids[0]],
        ["assignee", ""],
        ["priority", ""],
        ["status", ""],
        ["intent", "assign"],
      ],
      cookies.staff,
    );
    expect(nobody.status).toBe(400);
    expect(await nobody.text()).toMatch(/id="bulk-assignee-error"[^>]*>Choose who to assign them to\./);
  });

  it("refuses bulk changes and the shift switch to customers and visitors", async () => {
    const { action, ids } = await bulkForm();
    const take: [string, string][] = [
      ["ids", ids[0]],
      ["intent", "take"],
    ];
    expect((await postForm(action, take, cookies.casey)).status).toBe(403);
    expect((await postForm(action, take)).status).toBe(403);
    const shift: [string, string][] = [
      ["intent", "shift"],
      ["onShift", "true"],
    ];
    expect((await postForm(action, shift, cookies.casey)).status).toBe(403);
  });

  it("goes on and off shift with a plain form post", async () => {
    const on = await postForm(
      "/support?index",
      [
        ["intent", "shift"],
        ["onShift", "true"],
      ],
      cookies.staff,
    );
    expect(on.status).toBe(200);
    expect(await on.text()).toContain("Go off shift");
    const off = await postForm(
      "/support?index",
      [
        ["intent", "shift"],
        ["onShift", "false"],
      ],
      cookies.staff,
    );
    expect(await off.text()).toContain("I’m on shift");
  });

  it("shows every follow-up's number and never fails on odd query strings", async () => {
    const page = await (await client.get("/support", { cookie: cookies.staff })).text();
    const { ids } = await bulkForm();
    for (const id of ids)
      expect(page).toContain(`<a href="/support/${id}"><span class="follow-up-number">#${id}</span>`);
    for (const query of ["q=%25_%5C", `q=${"x".repeat(300)}`, "view=nope&page=-3&status=zzz", "q=%23", "q=%2399999999"])
      expect((await client.get(`/support?${query}`, { cookie: cookies.staff })).status).toBe(200);
    const views = await (await client.get("/support?view=waiting", { cookie: cookies.staff })).text();
    expect(views).toMatch(/<a href="\/support\?view=waiting" aria-current="page">Waiting<\/a>/);
  });
});
