import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
/** Where the e2e server takes replies by email (its SMTP listener). */
export const INBOUND_SMTP_PORT = PORT + 1;
const DATABASE_PATH = "test/.tmp/e2e.sqlite";
const MAIL_DIR = "test/.tmp/e2e-mail";

export default defineConfig({
  testDir: "test/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test/.reports/e2e.json" }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // The production build on its own port and a fresh database, seeded with the demo community.
    command: `rm -rf ${DATABASE_PATH} ${DATABASE_PATH}-wal ${DATABASE_PATH}-shm ${MAIL_DIR} && node_modules/.bin/tsx app/cli/seed.ts && node server.mjs`,
    url: `http://localhost:${PORT}/healthz`,
    env: {
      PORT: String(PORT),
      DATABASE_PATH,
      MAIL_DIR,
      INBOUND_SMTP_PORT: String(INBOUND_SMTP_PORT),
      NODE_ENV: "production",
    },
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
