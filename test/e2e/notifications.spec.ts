// Hearing back: a member answers a customer's question, the customer's email carries the answer and
// a reply address of their own, their reply by email appears on the page; a signed-out reader
// follows an email link to their follow-up, signs in and lands on it.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import nodemailer from "nodemailer";
import { INBOUND_SMTP_PORT } from "../../playwright.config";
import { signIn } from "./helpers";

const MAIL_DIR = "test/.tmp/e2e-mail";

/** The newest email to `address` that holds `text`, decoded (quoted-printable body), once written. */
async function emailTo(address: string, text: string) {
  let found = "";
  await expect(async () => {
    const emails = fs.existsSync(MAIL_DIR)
      ? fs
          .readdirSync(MAIL_DIR)
          .sort()
          .map((name) => fs.readFileSync(path.join(MAIL_DIR, name), "utf8"))
      : [];
    const decoded = emails
      .filter((raw) => raw.includes(`To: ${address}`))
      .map((raw) => raw.replace(/=\r?\n/g, "").replace(/(?:=[0-9A-F]{2})+/g, (run) => decodeRun(run)));
    found = decoded.filter((email) => email.includes(text)).pop() ?? "";
    expect(found).not.toBe("");
  }).toPass();
  return found;
}
const decodeRun = (run: string) => Buffer.from(run.replace(/=/g, ""), "hex").toString("utf8");

test("A member's answer reaches the customer by email, the customer answers by email, and a signed-out email link leads to the follow-up", async ({
  browser,
}) => {
  const stamp = Date.now().toString(36);
  const title = `Doorbell chime is silent after the update ${stamp}`;

  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, "li.wei@example.com");
  await customer.goto("/questions/ask");
  await customer.getByLabel("Title").fill(title);
  await customer.getByLabel("Details").fill("Since last night's update the indoor chime makes no sound at all.");
  await customer.getByLabel("Category").selectOption({ label: "Troubleshooting" });
  await customer.getByRole("button", { name: "Post your question" }).click();
  await expect(customer.getByRole("heading", { level: 1 })).toHaveText(title);
  // Asking watches the question: the page says so.
  await expect(customer.getByLabel("Notifications for this question")).toHaveValue("watching");

  const member = await (await browser.newContext()).newPage();
  await signIn(member, "member@example.com");
  await member.goto(customer.url());
  await member
    .getByLabel("Answer", { exact: true })
    .fill(`Re-pair the chime: hold its button for **five seconds** (${stamp}).`);
  await member.getByRole("button", { name: "Post your answer" }).click();
  await expect(member.getByText(`hold its button for five seconds (${stamp})`)).toBeVisible();

  // The customer's email holds the answer's text, why it came, and a reply address of their own.
  const email = await emailTo("li.wei@example.com", `(${stamp})`);
  expect(email).toContain("Subject: morgan answered:");
  expect(email).toContain("<strong>five seconds</strong>");
  expect(email).toContain("You asked this question.");
  const replyTo = /^Reply-To: (reply\+[^\s@]+@[^\s>]+)/m.exec(email)?.[1];
  expect(replyTo).toBeTruthy();

  // They answer from their mail program, quoting the email below their text.
  const mailer = nodemailer.createTransport({
    host: "127.0.0.1",
    port: INBOUND_SMTP_PORT,
    secure: false,
    ignoreTLS: true,
  });
  await mailer.sendMail({
    from: "li.wei@example.com",
    to: replyTo,
    subject: `Re: morgan answered: ${title}`,
    text: `That worked, the chime rings again. Thank you! (${stamp})\n\nOn Monday, Nimbus Community wrote:\n> ${email
      .split("\n")
      .slice(0, 5)
      .join("\n> ")}\n`,
  });
  mailer.close();
  await customer.reload();
  await expect(customer.getByText(`That worked, the chime rings again. Thank you! (${stamp})`)).toBeVisible();
  await expect(customer.locator("article").filter({ hasText: "That worked" })).not.toContainText("wrote:");

  // The customer asks for support; staff write privately; the email's link works for a signed-out reader.
  await customer.getByRole("button", { name: "I still need help" }).click();
  await expect(customer).toHaveURL(/\/support\/\d+/);
  const followUpPath = new URL(customer.url()).pathname;
  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, "staff@example.com");
  await staff.goto(followUpPath);
  await staff.getByLabel("Reply", { exact: true }).fill(`Which chime model is it? (${stamp}-private)`);
  await staff.getByLabel("Post it").selectOption("private");
  await staff.getByRole("button", { name: "Send" }).click();
  await expect(staff.getByText(`Which chime model is it? (${stamp}-private)`)).toBeVisible();

  const supportEmail = await emailTo("li.wei@example.com", `(${stamp}-private)`);
  const link = new RegExp(`https?://[^\\s"<>]+${followUpPath}#conversation`).exec(supportEmail)?.[0];
  expect(link).toBeTruthy();
  const reader = await (await browser.newContext()).newPage();
  await reader.goto(new URL(link!).pathname);
  await expect(reader).toHaveURL(/\/login\?redirectTo=/);
  await reader.getByLabel("Email").fill("li.wei@example.com");
  await reader.getByLabel("Password").fill("hearth-demo-2026");
  await reader.getByRole("button", { name: "Sign in" }).click();
  await expect(reader).toHaveURL(new RegExp(`${followUpPath}$`));
  await expect(reader.getByText(`Which chime model is it? (${stamp}-private)`)).toBeVisible();
});
