import { expect, test } from "@playwright/test";
import { confirmationLinkFor, linkInNewestEmail, signIn, signOut, signUpAndSignIn } from "./helpers";

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

  await signUpAndSignIn(page, { email, username: `pat-${stamp}`, password: "kettle-on-the-hob" });
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

  // Opened signed out (another browser, say), the link asks for the account's password, then
  // confirms and signs in.
  const link = await confirmationLinkFor(email);
  await signOut(page);
  await page.goto(link);
  await expect(
    page.getByText("If you did not create an account on Nimbus Community with this address, ignore this email."),
  ).toBeVisible();
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page.getByText("That is not the password of the account this link is for.")).toBeVisible();
  await page.getByLabel("Password").fill("kettle-on-the-hob");
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page.getByText("Thank you: your address is confirmed, and you are signed in.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.getByText("Check your email")).toHaveCount(0);
  await page.goto("/kb/pair-a-z-wave-lock");
  await expect(page.getByText("DSK PIN").first()).toBeVisible();
});

test("A person resets a forgotten password from the emailed link and signs in with the new one", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const email = `sam-${stamp}@example.test`;
  await signUpAndSignIn(page, { email, username: `sam-${stamp}`, password: "kettle-on-the-hob" });
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

test("A member changes their email address: the new address confirms it, and the old one is told", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const oldEmail = `robin-${stamp}@example.test`;
  const newEmail = `robin-${stamp}@elsewhere.test`;
  await signUpAndSignIn(page, { email: oldEmail, username: `robin-${stamp}`, password: "kettle-on-the-hob" });
  await page.goto(`/users/robin-${stamp}`);
  await page.getByRole("link", { name: "Change email address" }).click();
  await page.getByLabel("New email address").fill(newEmail);
  await page.getByLabel("Current password").fill("kettle-on-the-hob");
  await page.getByRole("button", { name: "Send a link to the new address" }).click();
  await expect(page.getByText(`We sent a link to ${newEmail}.`)).toBeVisible();

  await page.goto(await linkInNewestEmail(newEmail, /\/settings\/email\?token=[A-Za-z0-9_-]{43}/));
  await page.getByRole("button", { name: "Use this address" }).click();
  await expect(page.getByText(`Your address is now ${newEmail}, and it is confirmed.`)).toBeVisible();
  await expect(page.getByText("Check your email")).toHaveCount(0);
  // The old address can take the account back in one click, and is sent a link to choose a new password.
  await page.goto(await linkInNewestEmail(oldEmail, /\/undo-email-change\?token=[A-Za-z0-9_-]{43}/));
  await page.getByRole("button", { name: "Give my account back" }).click();
  await expect(page.getByRole("heading", { name: "Your account is yours again" })).toBeVisible();
  await linkInNewestEmail(oldEmail, /\/reset-password\?token=[A-Za-z0-9_-]{43}/);
});
