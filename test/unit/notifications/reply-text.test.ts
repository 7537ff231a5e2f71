import { describe, expect, it } from "vitest";
import { REPLY_ABOVE_THIS_LINE, replyText } from "~/models/notifications/reply-text.server";

describe("replyText", () => {
  it("keeps a Gmail reply above its 'On … wrote:' line and the quote", () => {
    const gmail = [
      "Thanks, moving the hub closer to the router fixed it.",
      "",
      "On Mon, Nov 30, 2026 at 9:12 AM Nimbus Community <support@nimbus.example> wrote:",
      "",
      "> Hello casey,",
      "> sam-support answered your question: The hub will not join my Wi-Fi",
      ">",
    ].join("\r\n");
    expect(replyText(gmail)).toBe("Thanks, moving the hub closer to the router fixed it.");
  });

  it("keeps a Gmail reply whose 'On … wrote:' line was wrapped onto two lines", () => {
    const wrapped = [
      "It works now.",
      "",
      "On Mon, Nov 30, 2026 at 9:12 AM Nimbus Community <",
      "support@nimbus.example> wrote:",
      "> quoted",
    ].join("\n");
    expect(replyText(wrapped)).toBe("It works now.");
  });

  it("cuts Outlook's -----Original Message----- block and its From:/Sent: header block", () => {
    const original = [
      "The hub is on 2.4 GHz now.",
      "",
      "-----Original Message-----",
      "From: Nimbus Community <support@nimbus.example>",
      "Sent: Monday, November 30, 2026 9:12 AM",
      "To: Casey <casey@example.com>",
      "Subject: New answer",
      "",
      "Hello casey,",
    ].join("\r\n");
    expect(replyText(original)).toBe("The hub is on 2.4 GHz now.");
    const headerBlock = [
      "Still blinking blue, I'm afraid.",
      "",
      "________________________________",
      "From: Nimbus Community <support@nimbus.example>",
      "Sent: Monday, November 30, 2026 9:12 AM",
      "To: Casey <casey@example.com>",
      "Subject: RE: New answer",
      "",
      "Hello casey,",
    ].join("\r\n");
    expect(replyText(headerBlock)).toBe("Still blinking blue, I'm afraid.");
  });

  it("keeps an Apple Mail reply above its quoted '> On … wrote:' block and drops 'Sent from my iPhone'", () => {
    const apple = [
      "Done, thank you!",
      "",
      "Sent from my iPhone",
      "",
      "> On 30 Nov 2026, at 09:12, Nimbus Community <support@nimbus.example> wrote:",
      ">",
      "> Hello casey,",
    ].join("\n");
    expect(replyText(apple)).toBe("Done, thank you!");
  });

  it("drops plain > quoting and a '-- ' signature", () => {
    const quoted = [
      "> Which bulbs are they?",
      "",
      "Philips, the 2019 ones.",
      "",
      "-- ",
      "Casey Smith",
      "ACME Corp",
    ].join("\n");
    expect(replyText(quoted)).toBe("Philips, the 2019 ones.");
  });

  it("keeps Markdown that looks a little like a signature or a quote inside the reply", () => {
    const markdown = ["Try this:", "", "```", "hub reset --factory", "```", "", "Then **wait** a minute."].join("\n");
    expect(replyText(markdown)).toBe(markdown);
  });

  it("cuts everything from Hearth's own 'reply above this line' marker down", () => {
    const text = ["Yes, firmware 4.2.", "", `${REPLY_ABOVE_THIS_LINE}`, "", "Hello casey, sam-support wrote: …"].join(
      "\n",
    );
    expect(replyText(text)).toBe("Yes, firmware 4.2.");
  });

  it("leaves nothing when there is only quoting and a signature", () => {
    expect(replyText("> only a quote\n> more\n\n-- \nCasey")).toBe("");
    expect(replyText("")).toBe("");
  });

  it("takes out NUL and other control characters, keeps odd Unicode", () => {
    expect(replyText("Hub\u0000 ok\u0007 — ça marche 👍 \u202Eevil\u202C")).toBe(
      "Hub ok — ça marche 👍 \u202Eevil\u202C",
    );
  });

  it("stays fast on long hostile bodies, and keeps a long line whole", () => {
    for (const hostile of [
      "On ".repeat(200_000),
      `${"> ".repeat(50_000)}\n${"On ".repeat(20_000)}\n${"-".repeat(100_000)}\nx`,
      "On a\n".repeat(50_000),
      "x".repeat(5_000_000),
    ]) {
      const started = performance.now();
      replyText(hostile);
      expect(performance.now() - started).toBeLessThan(500);
    }
    const long = `Logs: ${"0123456789".repeat(300)} end`;
    expect(replyText(`${long}\n\n> quoted`)).toBe(long);
  });
});
