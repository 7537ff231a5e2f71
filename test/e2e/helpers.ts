// Steps the browser stories share.
import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "hearth-demo-2026";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
}

// The server writes emails as .eml files here (playwright.config.ts).
const MAIL_DIR = "test/.tmp/e2e-mail";

/** The first link matching `pattern` in the newest email to `address` whose text has it, once written. */
export async function linkInNewestEmail(address: string, pattern: RegExp) {
  let link = "";
  await expect(async () => {
    const messages = fs.existsSync(MAIL_DIR)
      ? fs
          .readdirSync(MAIL_DIR)
          .sort()
          .map((name) => fs.readFileSync(path.join(MAIL_DIR, name), "utf8"))
          .map((text) =>
            text
              .replace(/=\r?\n/g, "")
              .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          )
      : [];
    const newest = messages.filter((message) => message.includes(`To: ${address}`) && pattern.test(message)).pop();
    link = (newest && pattern.exec(newest)?.[0]) ?? "";
    expect(link).not.toBe("");
  }).toPass();
  return link;
}

export const confirmationLinkFor = (address: string) =>
  linkInNewestEmail(address, /\/confirm-email\?token=[A-Za-z0-9_-]{43}/);

/** Signs up (which signs nobody in: the page says to check one's email), then signs in with the new password. */
export async function signUpAndSignIn(page: Page, account: { email: string; username: string; password: string }) {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await signIn(page, account.email, account.password);
}
