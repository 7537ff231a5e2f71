// `npm start` with INBOUND_SMTP_PORT: the production server also listens for replies by SMTP, and
// a reply delivered there appears on the thread's page.
import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { replyAddressFor } from "~/models/notifications/reply-address.server";
import { makeThread, makeUser } from "../../fixtures/factories";
import { startServerProcess, waitFor } from "../../fixtures/server-process";

describe("the server's SMTP listener", () => {
  it("starts with INBOUND_SMTP_PORT and puts a reply on the thread's page", async () => {
    const asker = await makeUser("customer");
    const { threadId } = await makeThread(asker, { title: "Replying by email reaches the page" });
    const server = await startServerProcess({ INBOUND_SMTP_PORT: "0", JOBS: "off" });
    let port = "";
    expect(
      await waitFor(() => {
        port = /"message":"receiving replies by SMTP"[^\n]*"port":(\d+)/.exec(server.log())?.[1] ?? "";
        return port !== "";
      }),
    ).toBe(true);
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: Number(port),
      secure: false,
      ignoreTLS: true,
    });
    const sent = await transport.sendMail({
      from: `${asker.username}@example.test`,
      to: await replyAddressFor(asker.id, { kind: "thread", threadId }),
      subject: "Re: Replying by email reaches the page",
      text: "Answered from my mail client.\n\nOn Mon, Nov 30, 2026 at 9:12 AM Nimbus Community wrote:\n> Hello",
    });
    transport.close();
    expect(sent.response).toMatch(/^250 /);
    const page = await (await fetch(`${server.baseUrl}/questions/${threadId}`)).text();
    expect(page).toContain("Answered from my mail client.");
    expect(page).not.toContain("Nimbus Community wrote");
  });
});
