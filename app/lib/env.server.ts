/**
 * Hearth's configuration: every environment variable it reads, each with its default and a one-line
 * description, in one zod schema. Invariants:
 * - nothing else reads these variables from `process.env` (server.mjs reads NODE_ENV once before
 *   the build is loaded, for React's sake; it is checked here like the rest);
 * - a value is read when asked, never kept: tests set variables after modules are loaded
 *   (DECISIONS #40); an empty value counts as unset;
 * - `npm start` and the command-line scripts check every variable before anything else
 *   (`exitOnInvalidConfiguration`): a bad value stops them with one line naming it;
 * - README.md's table of variables is this schema (test/unit/lib/env.test.ts compares them).
 */
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/** The longest delay a Node.js timer takes (about 24.8 days); it fires at once for a longer one. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function wholeNumber({ min, max = Number.MAX_SAFE_INTEGER, of = "" }: { min: number; max?: number; of?: string }) {
  const range = max === Number.MAX_SAFE_INTEGER ? `, at least ${min}` : ` from ${min} to ${max}`;
  const error = `a whole number${of}${range}`;
  return z
    .string()
    .regex(/^\d{1,15}$/, { error })
    .transform(Number)
    .pipe(z.number().min(min, { error }).max(max, { error }));
}

const milliseconds = (min: number, max = MAX_TIMER_MS) => wholeNumber({ min, max, of: " of milliseconds" });

const onOff = z.enum(["on", "off"], { error: "on or off" });

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const SITE_ADDRESS = "an http:// or https:// address with no path, query or fragment, e.g. https://forum.example.com";
// Every absolute URL is this plus a path from the site's root: the app is served at a host's root.
const siteAddress = z
  .string()
  .refine(
    (value) => {
      const url = parseUrl(value);
      return (
        /^\S+$/.test(value) &&
        (url?.protocol === "http:" || url?.protocol === "https:") &&
        !url.username &&
        !url.password &&
        /^\/*$/.test(url.pathname) &&
        !value.includes("?") &&
        !value.includes("#")
      );
    },
    { error: SITE_ADDRESS },
  )
  .transform((value) => value.replace(/\/+$/, ""));

const SMTP_SERVER = "an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587";
const smtpServer = z.string().refine(
  (value) => {
    const url = parseUrl(value);
    return /^\S+$/.test(value) && (url?.protocol === "smtp:" || url?.protocol === "smtps:") && url.hostname !== "";
  },
  { error: SMTP_SERVER },
);

// One line, so no header can be added through it.
const sender = z.string().regex(/^(?:[^\r\n<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@"]+@[^\s<>@]+)$/, {
  error: 'an email address, alone or as "Name" <address>',
});

// A host name for email addresses: letters, digits and hyphens in dot-separated labels.
const mailDomain = z
  .string()
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i, {
    error: "a domain name, e.g. mail.example.com",
  })
  .transform((value) => value.toLowerCase());

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const isSubnet = (entry: string) => {
  const [address, bits, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (version === 4 && isIP(bits) === 4) return true; // a netmask: 10.0.0.0/255.0.0.0
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
};
// Express's "trust proxy": a whole number is how many proxies stand in front (Express reads a
// string "1" as the address 0.0.0.1); otherwise a list of the proxies' addresses or subnets.
const trustedProxies = z
  .string()
  .refine(
    (value) =>
      /^\d{1,3}$/.test(value) ||
      value.split(",").every((entry) => PROXY_NAMES.has(entry.trim()) || isSubnet(entry.trim())),
    {
      error:
        "a number of proxies (e.g. 1), or a comma-separated list of loopback, linklocal, uniquelocal, addresses and subnets (e.g. loopback, 10.0.0.0/8)",
    },
  )
  .transform((value) => (/^\d+$/.test(value) ? Number(value) : value));

const POSTGRES_SERVER =
  "a postgres:// or postgresql:// address with a database name, e.g. postgres://hearth:secret@localhost:5432/hearth";
/** A PostgreSQL server and database, as `DATABASE_URL` takes it (also checked by the scripts that take one as an option). */
export const postgresServer = z.string().refine(
  (value) => {
    const url = parseUrl(value);
    return (url?.protocol === "postgres:" || url?.protocol === "postgresql:") && /^\/[^/]+$/.test(url.pathname);
  },
  { error: POSTGRES_SERVER },
);

/**
 * Every variable, in the README's order. A default that depends on another variable is not the
 * schema's (it is applied where the value is used) and its text for the README is `defaultText`.
 */
export const configurationSchema = z.object({
  PORT: wholeNumber({ min: 0, max: 65_535 }).default(3000).describe("HTTP port"),
  DATABASE_PATH: z.string().default("./data/hearth.sqlite").describe("the SQLite file (created with its folder)"),
  DATABASE_URL: postgresServer
    .optional()
    .describe(
      "e.g. `postgres://hearth:secret@db.example.com:5432/hearth`: runs on that PostgreSQL (15 or later) instead of SQLite (see Running on PostgreSQL)",
    ),
  DATABASE_POOL_SIZE: wholeNumber({ min: 1, max: 1000 })
    .default(10)
    .describe(
      "the most connections one process opens to PostgreSQL for reads (its writes, one at a time, use up to 3 more)",
    ),
  NODE_ENV: z
    .enum(["production", "development", "test"], { error: "production, development or test" })
    .default("production")
    .describe("`development` under `npm run dev` (which sets it), `test` under vitest"),
  PAGE_CACHE: onOff
    .default("on")
    .describe("`off` disables the 3-second cache of visitors' pages (see DECISIONS.md #12, #37)"),
  HEARTH_ROOT: z.string().optional().meta({
    defaultText: "the working directory",
    description: "the project folder, where `db/migrations` is read and a relative `KB_DIR` starts",
  }),
  KB_DIR: z.string().default("content/kb").describe("the knowledge-base folder"),
  PUBLIC_URL: siteAddress.optional().meta({
    defaultText: "`http://localhost:$PORT`",
    description:
      "the site's address, for every absolute URL (emails, feed, sitemap, article drafts); never taken from the request. Set it in production (start-up warns when it is unset)",
  }),
  SMTP_URL: smtpServer
    .optional()
    .describe("e.g. `smtp://user:pass@mail.example.com:587`; unset writes emails as `.eml` files instead"),
  MAIL_DIR: z.string().default("./data/mail").describe("where those `.eml` files go"),
  MAIL_FROM: sender.default('"Nimbus Community" <support@nimbus.example>').describe("the sender of every email"),
  REPLY_TO_DOMAIN: mailDomain.optional().meta({
    defaultText: "the domain of `MAIL_FROM`",
    description:
      "the domain of the reply addresses (`reply+<token>@domain`) that notifications carry; its mail must reach `npm run mail:receive` or the listener",
  }),
  INBOUND_SMTP_PORT: wholeNumber({ min: 0, max: 65_535 })
    .optional()
    .describe("when set, `npm start` also receives replies by SMTP on this port (see Replying by email)"),
  INBOUND_SMTP_HOST: z.string().default("127.0.0.1").describe("the address that SMTP listener binds to"),
  JOBS: onOff.default("on").describe("`off` keeps this process from running background jobs (another process must)"),
  JOBS_INTERVAL_MS: milliseconds(1).default(60_000).describe("how often background jobs run"),
  SIGN_IN_DELAY_STEP_MS: milliseconds(0, 60_000)
    .default(1000)
    .describe("one step of the sign-in slow-down (see Moderation, rate limits)"),
  // Rendering runs on the one event loop: more requests at once only interleave it, and a long
  // thread rendered beside seven others finished seconds after it was admitted (measured: max 9.3 s at
  // 8, 2.6-4.1 s at 4, for 200 connections with a 4.4 MB thread among the pages).
  MAX_CONCURRENT_REQUESTS: wholeNumber({ min: 1 })
    .default(4)
    .describe("requests rendered by Remix at once; more wait in a queue"),
  MAX_QUEUED_REQUESTS: wholeNumber({ min: 0 })
    .default(200)
    .describe("how many may wait; beyond that a request gets `503` with `Retry-After: 1` at once"),
  MAX_QUEUE_WAIT_MS: milliseconds(0)
    .default(2_000)
    .describe("the longest a request waits for its turn before it gets that 503"),
  TRUST_PROXY: trustedProxies
    .optional()
    .describe(
      "set behind a reverse proxy, so client addresses and HTTPS are read from `X-Forwarded-*`: how many proxies (e.g. `1`) or which (e.g. `loopback`)",
    ),
});

export type Configuration = z.output<typeof configurationSchema>;
export type ConfigurationVariable = keyof Configuration;
type Environment = Record<string, string | undefined>;

/** A variable whose value the schema refuses; its message names the variable, the value and what it takes. */
export class ConfigurationError extends Error {
  constructor(
    readonly variable: string,
    value: string,
    expected: string,
  ) {
    // A URL may carry a password: it is not printed.
    const shown = variable.endsWith("_URL") ? value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, "$1***@") : value;
    super(`Invalid environment variable ${variable}=${JSON.stringify(shown)}: expected ${expected}`);
    this.name = "ConfigurationError";
  }
}

/** One variable's value, read from `source` now and checked; its default when unset or empty. */
export function env<Name extends ConfigurationVariable>(
  name: Name,
  source: Environment = process.env,
): Configuration[Name] {
  const value = source[name] || undefined;
  const result = configurationSchema.shape[name].safeParse(value);
  if (!result.success) throw new ConfigurationError(name, value!, result.error.issues[0].message);
  return result.data as Configuration[Name];
}

/** Every invalid variable in `source`, one line each (none when all are valid). */
export function configurationProblems(source: Environment = process.env): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(configurationSchema.shape) as ConfigurationVariable[]) {
    try {
      env(name, source);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}

/** For start-up (server.mjs, app/cli): prints each invalid variable and exits with code 1, before any work. */
export function exitOnInvalidConfiguration() {
  const problems = configurationProblems();
  if (problems.length === 0) return;
  for (const problem of problems) console.error(problem);
  process.exit(1);
}

export const projectRoot = () => env("HEARTH_ROOT") ?? process.cwd();

export function databasePath(): string {
  return path.resolve(env("DATABASE_PATH"));
}

export type DatabaseEngine = "sqlite" | "postgres";

/** PostgreSQL when `DATABASE_URL` is set, else SQLite in `DATABASE_PATH`. */
export function databaseEngine(): DatabaseEngine {
  return env("DATABASE_URL") ? "postgres" : "sqlite";
}

/** The migrations of the engine in use. */
export function migrationsFolder(): string {
  return path.resolve(projectRoot(), databaseEngine() === "postgres" ? "db/migrations-pg" : "db/migrations");
}

/** The knowledge-base folder: `content/kb` in the project, or `KB_DIR`. */
export function kbDirectory(): string {
  return path.resolve(projectRoot(), env("KB_DIR"));
}

/**
 * The site's public address, for every absolute URL (emails, feed, sitemap): `PUBLIC_URL`, else
 * this machine on `PORT`. Never the request's Host, which the client chooses.
 */
export function publicUrl(): string {
  return env("PUBLIC_URL") ?? `http://localhost:${env("PORT")}`;
}

/** Where emails are written as .eml files when no SMTP server is configured. */
export function mailDirectory(): string {
  return path.resolve(env("MAIL_DIR"));
}

/** The domain of reply addresses: `REPLY_TO_DOMAIN`, else the domain of `MAIL_FROM`. */
export function replyDomain(): string {
  return env("REPLY_TO_DOMAIN") ?? env("MAIL_FROM").replace(/>$/, "").split("@").pop()!.toLowerCase();
}
