import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signIn, signOut } from "./helpers";

// The server writes emails as .eml files here (playwright.config.ts).
const MAIL_DIR = "test/.tmp/e2e-mail";

/** The first link matching `pattern` in the newest email to `address` whose text has it, once written. */
async function linkInNewestEmail(address: string, pattern: RegExp) {
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

const confirmationLinkFor = (address: string) => linkInNewestEmail(address, /\/confirm-email\?token=[A-Za-z0-9_-]{43}/);
const resetLinkFor = (address: string) => linkInNewestEmail(address, /\/reset-password\?token=[A-Za-z0-9_-]{43}/);

test("A new member at a customer domain confirms their address from the email and then reads customer articles", async ({
  page,
}) => {
  const stamp = Date.now().toString(36);
  const domain = `e2e-${stamp}.test`;
  const email = `pat@${domain}`;

  await signIn(page, "admin@example.com");
  await page.goto("/mod/settings");
  await page.getByLabel("Email domain").fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByText(`Added ${domain}.`)).toBeVisible();
  await signOut(page);

  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Username").fill(`pat-${stamp}`);
  await page.getByLabel("Password").fill("kettle-on-the-hob");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: `Check your email: we sent a link to ${email}` }),
  ).toBeVisible();
  await page.goto("/kb/pair-a-z-wave-lock");
  await expect(page.getByRole("heading", { name: "This article is for customers" })).toBeVisible();

  // A lost email: the banner sends a new one, and only the newest link works.
  const first = await confirmationLinkFor(email);
  await page.getByRole("button", { name: "Send a new link" }).click();
  await expect(page.getByText(`We sent a new link to ${email}.`)).toBeVisible();
  await expect.poll(() => confirmationLinkFor(email)).not.toBe(first);
  expect((await page.goto(first))?.status()).toBe(400);
  await expect(page.getByText("This confirmation link has expired")).toBeVisible();

  // Opened signed out (another browser, say), the link asks to sign in first and comes back to itself.
  const link = await confirmationLinkFor(email);
  await signOut(page);
  await page.goto(link);
  await expect(
    page.getByText("If you did not create an account on Nimbus Community with this address, ignore this email."),
  ).toBeVisible();
  await page.getByRole("link", { name: "Sign in to confirm" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("kettle-on-the-hob");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(`Is ${email} your address?`)).toBeVisible();
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(
    page.getByText(`Thank you: ${email} is confirmed. Your account is now a customer account`),
  ).toBeVisible();
  await expect(page.getByText("Check your email")).toHaveCount(0);
  await page.goto("/kb/pair-a-z-wave-lock");
  await expect(page.getByText("DSK PIN").first()).toBeVisible();
});

test("A person resets a forgotten password from the emailed link and signs in with the new one", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const email = `sam-${stamp}@example.test`;
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Username").fill(`sam-${stamp}`);
  await page.getByLabel("Password").fill("kettle-on-the-hob");
  await page.getByRole("button", { name: "Create account" }).click();
  await signOut(page);

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  // The sign-in form has an "Email" field too: fill the one on the page the link opens.
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account uses that address, we have sent it a link");

  await page.goto(await resetLinkFor(email));
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set my new password" }).click();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  await page.getByLabel("New password").fill("lanterns along the quay");
  await page.getByRole("button", { name: "Set my new password" }).click();
  await expect(page.getByText("Your password has been changed and you were signed out everywhere.")).toBeVisible();

  await signIn(page, email, "lanterns along the quay");
});
