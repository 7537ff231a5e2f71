import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  ConfigurationError,
  configurationProblems,
  configurationSchema,
  databaseEngine,
  env,
  kbDirectory,
  mailDirectory,
  migrationsFolder,
  publicUrl,
  replyDomain,
  type ConfigurationVariable,
} from "~/lib/env.server";

afterEach(() => vi.unstubAllEnvs());

const VARIABLES = Object.keys(configurationSchema.shape) as ConfigurationVariable[];

/** The README's table under "## Configuration": variable → its default and meaning cells, as written. */
function readmeTable() {
  const readme = fs.readFileSync(path.resolve("README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Configuration\n"));
  const rows = new Map<string, { defaultText: string; description: string }>();
  for (const line of section.split("\n").slice(2)) {
    if (line.startsWith("## ")) break;
    const cells = /^\| `([A-Z0-9_]+)` \|(.*)\|$/.exec(line);
    if (!cells) continue;
    const [defaultText, description, ...extra] = cells[2].split("|").map((cell) => cell.trim());
    expect(extra, `README row ${cells[1]} has more than three cells`).toEqual([]);
    rows.set(cells[1], { defaultText, description });
  }
  return rows;
}

/** How the README writes a variable's default: the schema's value in backticks, else `defaultText`, else unset. */
function schemaDefaultText(schema: z.ZodType) {
  if (schema instanceof z.ZodDefault) return `\`${String(schema.def.defaultValue)}\``;
  const text = z.globalRegistry.get(schema)?.defaultText;
  return typeof text === "string" ? text : "unset";
}

describe("the README's table of variables", () => {
  it("lists every variable of the schema, and only those, with the schema's default and description", () => {
    const table = readmeTable();
    const differences: string[] = [];
    for (const name of VARIABLES) {
      const schema = configurationSchema.shape[name];
      const row = table.get(name);
      if (!row) {
        differences.push(`${name} is in the schema but not in the README`);
        continue;
      }
      const defaultText = schemaDefaultText(schema);
      if (row.defaultText !== defaultText)
        differences.push(`${name}: the README's default is ${row.defaultText}, the schema's ${defaultText}`);
      if (row.description !== schema.description)
        differences.push(`${name}: the README says "${row.description}", the schema "${schema.description}"`);
    }
    for (const name of table.keys()) {
      if (!(name in configurationSchema.shape)) differences.push(`${name} is in the README but not in the schema`);
    }
    expect(differences).toEqual([]);
  });
});

describe("env", () => {
  it("gives every variable's default when it is unset or empty", () => {
    const defaults = Object.fromEntries(VARIABLES.map((name) => [name, env(name, {})]));
    expect(defaults).toEqual({
      PORT: 3000,
      DATABASE_PATH: "./data/hearth.sqlite",
      DATABASE_URL: undefined,
      DATABASE_POOL_SIZE: 10,
      NODE_ENV: "production",
      PAGE_CACHE: "on",
      HEARTH_ROOT: undefined,
      KB_DIR: "content/kb",
      PUBLIC_URL: undefined,
      SMTP_URL: undefined,
      MAIL_DIR: "./data/mail",
      MAIL_FROM: '"Nimbus Community" <support@nimbus.example>',
      REPLY_TO_DOMAIN: undefined,
      INBOUND_SMTP_PORT: undefined,
      INBOUND_SMTP_HOST: "127.0.0.1",
      JOBS: "on",
      JOBS_INTERVAL_MS: 60_000,
      SIGN_IN_DELAY_STEP_MS: 1000,
      MAX_CONCURRENT_REQUESTS: 4,
      MAX_QUEUED_REQUESTS: 200,
      MAX_QUEUE_WAIT_MS: 2000,
      TRUST_PROXY: undefined,
    });
    expect(Object.fromEntries(VARIABLES.map((name) => [name, env(name, { [name]: "" })]))).toEqual(defaults);
    expect(configurationProblems({})).toEqual([]);
  });

  it("reads numbers, switches, addresses and proxies as the app uses them", () => {
    const source = {
      PORT: "0",
      JOBS_INTERVAL_MS: "250",
      SIGN_IN_DELAY_STEP_MS: "0",
      MAX_QUEUED_REQUESTS: "0",
      PAGE_CACHE: "off",
      PUBLIC_URL: "https://forum.example.com/",
      SMTP_URL: "smtps://user:pass@mail.example.com:465",
      MAIL_FROM: "support@nimbus.example",
      TRUST_PROXY: "1",
    };
    expect(configurationProblems(source)).toEqual([]);
    expect(env("PORT", source)).toBe(0);
    expect(env("JOBS_INTERVAL_MS", source)).toBe(250);
    expect(env("PAGE_CACHE", source)).toBe("off");
    expect(env("PUBLIC_URL", source)).toBe("https://forum.example.com");
    expect(env("SMTP_URL", source)).toBe("smtps://user:pass@mail.example.com:465");
    // A whole number is Express's count of proxies; a string "1" would be the address 0.0.0.1.
    expect(env("TRUST_PROXY", source)).toBe(1);
    for (const list of ["loopback", "loopback, 10.0.0.0/8", "uniquelocal,192.0.2.1", "fe80::/10", "10.0.0.0/255.0.0.0"])
      expect(env("TRUST_PROXY", { TRUST_PROXY: list }), list).toBe(list);
  });

  it.each([
    ["PORT", "abc", "a whole number from 0 to 65535"],
    ["PORT", "65536", "a whole number from 0 to 65535"],
    ["PORT", "-1", "a whole number from 0 to 65535"],
    ["PORT", "80.5", "a whole number from 0 to 65535"],
    ["MAX_CONCURRENT_REQUESTS", "0", "a whole number, at least 1"],
    ["MAX_QUEUED_REQUESTS", "many", "a whole number, at least 0"],
    ["MAX_QUEUE_WAIT_MS", "soon", "a whole number of milliseconds from 0 to 2147483647"],
    ["JOBS_INTERVAL_MS", "0", "a whole number of milliseconds from 1 to 2147483647"],
    ["JOBS_INTERVAL_MS", "2147483648", "a whole number of milliseconds from 1 to 2147483647"],
    ["SIGN_IN_DELAY_STEP_MS", "60001", "a whole number of milliseconds from 0 to 60000"],
    ["PAGE_CACHE", "false", "on or off"],
    ["JOBS", "no", "on or off"],
    ["NODE_ENV", "staging", "production, development or test"],
    ["PUBLIC_URL", "notaurl", "an http:// or https:// address"],
    ["PUBLIC_URL", "ftp://forum.example.com", "an http:// or https:// address"],
    ["PUBLIC_URL", "https://example.com/forum", "with no path, query or fragment"],
    ["PUBLIC_URL", "https://forum.example.com/?ref=mail", "with no path, query or fragment"],
    ["PUBLIC_URL", "https://forum.example.com#top", "with no path, query or fragment"],
    ["SMTP_URL", "mail.example.com:587", "an smtp:// or smtps:// URL"],
    ["SMTP_URL", "https://mail.example.com", "an smtp:// or smtps:// URL"],
    ["MAIL_FROM", "support", 'an email address, alone or as "Name" <address>'],
    ["MAIL_FROM", "support@nimbus.example\r\nBcc: everyone@example.com", "an email address"],
    ["REPLY_TO_DOMAIN", "reply@example.com", "a domain name"],
    ["REPLY_TO_DOMAIN", "-bad-.example", "a domain name"],
    ["INBOUND_SMTP_PORT", "smtp", "a whole number from 0 to 65535"],
    ["DATABASE_URL", "mysql://db.example.com/hearth", "a postgres:// or postgresql:// address"],
    ["DATABASE_URL", "postgres://db.example.com", "with a database name"],
    ["DATABASE_URL", "./data/hearth.sqlite", "a postgres:// or postgresql:// address"],
    ["DATABASE_POOL_SIZE", "0", "a whole number from 1 to 1000"],
    ["TRUST_PROXY", "true", "a number of proxies (e.g. 1), or a comma-separated list"],
    ["TRUST_PROXY", "loopback, proxy.local", "a number of proxies (e.g. 1), or a comma-separated list"],
    ["TRUST_PROXY", "10.0.0.0/33", "a number of proxies (e.g. 1), or a comma-separated list"],
  ])("refuses %s=%j, naming it, its value and what it takes", (name, value, expected) => {
    const problems = configurationProblems({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`Invalid environment variable ${name}=${JSON.stringify(value)}: expected `);
    expect(problems[0]).toContain(expected);
    expect(problems[0]).not.toContain("\n");
    expect(() => env(name as ConfigurationVariable, { [name]: value })).toThrow(ConfigurationError);
  });

  it("names every bad variable at once, one line each", () => {
    expect(configurationProblems({ PORT: "abc", JOBS: "maybe", KB_DIR: "kb" })).toEqual([
      'Invalid environment variable PORT="abc": expected a whole number from 0 to 65535',
      'Invalid environment variable JOBS="maybe": expected on or off',
    ]);
  });

  it("does not print the password of a bad URL", () => {
    const [problem] = configurationProblems({ SMTP_URL: "http://mailer:s3cret@mail.example.com" });
    expect(problem).toContain('SMTP_URL="http://***@mail.example.com"');
    expect(problem).not.toContain("s3cret");
    const [database] = configurationProblems({ DATABASE_URL: "postgres://hearth:s3cret@db.example.com" });
    expect(database).toContain('DATABASE_URL="postgres://***@db.example.com"');
    expect(database).not.toContain("s3cret");
  });

  it("runs on PostgreSQL when DATABASE_URL is set, else on SQLite", () => {
    vi.stubEnv("DATABASE_URL", "postgresql://hearth:secret@db.example.com:6432/community");
    expect(databaseEngine()).toBe("postgres");
    expect(migrationsFolder()).toBe(path.resolve("db/migrations-pg"));
    vi.stubEnv("DATABASE_URL", "");
    expect(databaseEngine()).toBe("sqlite");
    expect(migrationsFolder()).toBe(path.resolve("db/migrations"));
  });

  it("reads process.env when asked, so a value set after loading counts", () => {
    vi.stubEnv("PAGE_CACHE", "off");
    expect(env("PAGE_CACHE")).toBe("off");
    vi.stubEnv("PAGE_CACHE", "on");
    expect(env("PAGE_CACHE")).toBe("on");
    vi.stubEnv("SIGN_IN_DELAY_STEP_MS", "abc");
    expect(() => env("SIGN_IN_DELAY_STEP_MS")).toThrow('SIGN_IN_DELAY_STEP_MS="abc"');
  });
});

describe("the derived settings", () => {
  it("takes the public address from PUBLIC_URL without its trailing slashes, else this machine on PORT", () => {
    vi.stubEnv("PUBLIC_URL", "https://forum.example.com//");
    expect(publicUrl()).toBe("https://forum.example.com");
    vi.stubEnv("PUBLIC_URL", "");
    vi.stubEnv("PORT", "8080");
    expect(publicUrl()).toBe("http://localhost:8080");
    vi.stubEnv("PORT", undefined);
    expect(publicUrl()).toBe("http://localhost:3000");
  });

  it("takes the reply domain from REPLY_TO_DOMAIN, lower-cased, else the domain of MAIL_FROM", () => {
    vi.stubEnv("REPLY_TO_DOMAIN", "Replies.Example.COM");
    expect(replyDomain()).toBe("replies.example.com");
    vi.stubEnv("REPLY_TO_DOMAIN", undefined);
    vi.stubEnv("MAIL_FROM", '"Forum" <Help@Forum.Example.org>');
    expect(replyDomain()).toBe("forum.example.org");
    vi.stubEnv("MAIL_FROM", "help@mail.example.net");
    expect(replyDomain()).toBe("mail.example.net");
    vi.stubEnv("MAIL_FROM", undefined);
    expect(replyDomain()).toBe("nimbus.example");
  });

  it("resolves folders as before: KB_DIR from HEARTH_ROOT or the working directory, MAIL_DIR from the working directory", () => {
    vi.stubEnv("HEARTH_ROOT", undefined);
    vi.stubEnv("KB_DIR", undefined);
    expect(kbDirectory()).toBe(path.resolve("content/kb"));
    vi.stubEnv("HEARTH_ROOT", "/srv/hearth");
    expect(kbDirectory()).toBe("/srv/hearth/content/kb");
    vi.stubEnv("KB_DIR", "/var/lib/kb");
    expect(kbDirectory()).toBe("/var/lib/kb");
    vi.stubEnv("MAIL_DIR", undefined);
    expect(mailDirectory()).toBe(path.resolve("data/mail"));
  });
});
