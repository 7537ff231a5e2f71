// Migration 0007 on a database made before it: accounts count as confirmed, except customers whose
// role came only from a customer email domain (anyone could sign up with an address there), who
// go back to unconfirmed members until they confirm.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEngine } from "../../fixtures/test-databases";

const MIGRATIONS = path.resolve("db/migrations");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-0007-"));
let sqlite: Database.Database;

/** The migrations folder as it was before 0007: its SQL files and a journal without 0007's entry. */
function migrationsBefore0007() {
  const folder = path.join(tmp, "migrations");
  fs.mkdirSync(path.join(folder, "meta"), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, "meta/_journal.json"), "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  journal.entries = journal.entries.filter((entry) => entry.idx < 7);
  expect(journal.entries.at(-1)?.tag).toBe("0006_moderation");
  for (const { tag } of journal.entries)
    fs.copyFileSync(path.join(MIGRATIONS, `${tag}.sql`), path.join(folder, `${tag}.sql`));
  fs.writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify(journal));
  return folder;
}

const CREATED = Date.UTC(2026, 9, 1);
const usersBefore = [
  { id: 1, username: "ada", email: "ada@example.com", role: "admin" },
  { id: 2, username: "sam", email: "sam@acme.test", role: "staff" },
  { id: 3, username: "morgan", email: "morgan@acme.test", role: "member" },
  // Signed up at the customer domain and was a customer at once (the hole): no admin ever granted it.
  { id: 4, username: "walk-in", email: "ceo@acme.test", role: "customer" },
  // Made a customer when the domain was added (domain.add lists them): the role came from the domain too.
  { id: 5, username: "early-bird", email: "early@acme.test", role: "customer" },
  // Granted the customer role by an admin (user.role), who happens to be at the domain as well.
  { id: 6, username: "granted", email: "granted@acme.test", role: "customer" },
  // A customer whose address is at no customer domain.
  { id: 7, username: "casey", email: "casey@elsewhere.test", role: "customer" },
];

beforeAll(() => {
  sqlite = new Database(path.join(tmp, "hearth.sqlite"));
  const db = drizzle(sqlite);
  migrate(db, { migrationsFolder: migrationsBefore0007() });
  const insertUser = sqlite.prepare(
    "INSERT INTO users (id, email, username, password_hash, role, created_at) VALUES (@id, @email, @username, 'x', @role, @createdAt)",
  );
  usersBefore.forEach((user, index) => insertUser.run({ ...user, createdAt: CREATED + index }));
  sqlite
    .prepare("INSERT INTO customer_domain_rules (domain, created_by_id, created_at) VALUES ('acme.test', 1, ?)")
    .run(CREATED + 100);
  const audit = sqlite.prepare(
    "INSERT INTO audit_log (actor_id, action, subject_type, subject_id, subject_label, reason, before, after, created_at) VALUES (@actor, @action, @type, @subject, @label, @reason, @before, @after, @at)",
  );
  const entry = { actor: 1, reason: null, before: null, after: null, at: CREATED + 200 };
  audit.run({
    ...entry,
    action: "domain.add",
    type: "domain",
    subject: 1,
    label: "acme.test",
    after: JSON.stringify({ domain: "acme.test", membersMadeCustomers: ["early-bird"] }),
  });
  audit.run({
    ...entry,
    action: "user.role",
    type: "user",
    subject: 6,
    label: "granted",
    reason: "Granted the customer role",
    before: JSON.stringify({ role: "member" }),
    after: JSON.stringify({ role: "customer" }),
  });
  // Other entries about the walk-in do not count as a grant: a warning, and a role entry about someone else's id.
  audit.run({ ...entry, action: "user.warn", type: "user", subject: 4, label: "walk-in", reason: "Be kind" });
  audit.run({
    ...entry,
    action: "user.role",
    type: "user",
    subject: 2,
    label: "sam",
    before: JSON.stringify({ role: "customer" }),
    after: JSON.stringify({ role: "staff" }),
  });

  migrate(db, { migrationsFolder: MIGRATIONS });
});

afterAll(() => {
  sqlite.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const after = (username: string) =>
  sqlite
    .prepare("SELECT role, email_confirmed_at AS confirmedAt, created_at AS createdAt FROM users WHERE username = ?")
    .get(username) as { role: string; confirmedAt: number | null; createdAt: number };

// A data migration of SQLite's: PostgreSQL's first migration already has the schema it led to.
describe.skipIf(testEngine() === "postgres")("migration 0007 and addresses confirmed before it", () => {
  it.each([
    ["an admin", "ada", "admin"],
    ["staff at the customer domain", "sam", "staff"],
    ["a member at the customer domain", "morgan", "member"],
    ["a customer an admin granted the role to", "granted", "customer"],
    ["a customer at no customer domain", "casey", "customer"],
  ])("counts %s as confirmed since the account was made, role unchanged", (_, username, role) => {
    const user = after(username);
    expect(user.role).toBe(role);
    expect(user.confirmedAt).toBe(user.createdAt);
  });

  it.each([
    ["signed up with an address at the customer domain", "walk-in"],
    ["was made a customer when the domain was added", "early-bird"],
  ])("makes a customer who %s an unconfirmed member again", (_, username) => {
    expect(after(username)).toMatchObject({ role: "member", confirmedAt: null });
  });

  it("is applied once, and the audit log is left as it was", () => {
    const applied = sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, "meta/_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    expect(applied.n).toBe(journal.entries.length);
    const entries = sqlite.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number };
    expect(entries.n).toBe(4);
  });
});
