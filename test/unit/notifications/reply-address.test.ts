import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { siteSecrets } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { readReplyAddress, replyAddressFor, type ReplySubject } from "~/models/notifications/reply-address.server";
import { forgetSiteSecrets } from "~/models/notifications/site-secrets.server";

const thread: ReplySubject = { kind: "thread", threadId: 4821 };
const followUp: ReplySubject = { kind: "follow-up", followUpId: 4821 };

afterEach(() => {
  delete process.env.REPLY_TO_DOMAIN;
  delete process.env.MAIL_FROM;
});

describe("replyAddressFor", () => {
  it("makes a lowercase reply+token address at the domain of MAIL_FROM, within 64 characters of local part", async () => {
    const address = await replyAddressFor(17, thread);
    expect(address).toMatch(/^reply\+[a-z0-9-]+@nimbus\.example$/);
    const largest = await replyAddressFor(Number.MAX_SAFE_INTEGER, {
      kind: "follow-up",
      followUpId: Number.MAX_SAFE_INTEGER,
    });
    expect(largest.split("@")[0].length).toBeLessThanOrEqual(64);
    expect(await readReplyAddress(largest)).toEqual({
      userId: Number.MAX_SAFE_INTEGER,
      subject: { kind: "follow-up", followUpId: Number.MAX_SAFE_INTEGER },
    });
  });

  it("uses REPLY_TO_DOMAIN when it is set", async () => {
    process.env.REPLY_TO_DOMAIN = "Replies.Example.COM";
    expect(await replyAddressFor(17, thread)).toMatch(/@replies\.example\.com$/);
  });

  it("gives each recipient and subject its own address", async () => {
    const addresses = new Set([
      await replyAddressFor(17, thread),
      await replyAddressFor(18, thread),
      await replyAddressFor(17, followUp),
      await replyAddressFor(17, { kind: "thread", threadId: 4822 }),
    ]);
    expect(addresses.size).toBe(4);
  });
});

describe("readReplyAddress", () => {
  it("reads back who and what, in any case and with a display name", async () => {
    const address = await replyAddressFor(17, thread);
    const expected = { userId: 17, subject: thread };
    expect(await readReplyAddress(address)).toEqual(expected);
    expect(await readReplyAddress(address.toUpperCase())).toEqual(expected);
    expect(await readReplyAddress(`"Nimbus Community" <${address.toUpperCase()}>`)).toEqual(expected);
    expect(await readReplyAddress(`  ${address}  `)).toEqual(expected);
    expect(await readReplyAddress(await replyAddressFor(17, followUp))).toEqual({ userId: 17, subject: followUp });
  });

  it("refuses the address with any one character of its local part changed", async () => {
    const address = await replyAddressFor(17, thread);
    const [local, domain] = address.split("@");
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";
    for (let i = "reply+".length; i < local.length; i += 1) {
      for (const replacement of [alphabet[(alphabet.indexOf(local[i]) + 1) % alphabet.length], "7"]) {
        if (replacement === local[i]) continue;
        const tampered = `${local.slice(0, i)}${replacement}${local.slice(i + 1)}@${domain}`;
        expect(await readReplyAddress(tampered), tampered).toBeNull();
      }
    }
  });

  it("refuses one recipient's token used for another person or another subject", async () => {
    const address = await replyAddressFor(17, thread);
    const [, ids, user, mac] = /^reply\+(t[0-9a-z]+)-([0-9a-z]+)-([a-z2-7]+)@/.exec(address)!;
    expect(ids).toBe(`t${(4821).toString(36)}`);
    expect(user).toBe((17).toString(36));
    const withParts = (subject: string, userId: string) => `reply+${subject}-${userId}-${mac}@nimbus.example`;
    expect(await readReplyAddress(withParts(ids, user))).toEqual({ userId: 17, subject: thread });
    expect(await readReplyAddress(withParts(ids, (18).toString(36)))).toBeNull();
    expect(await readReplyAddress(withParts(`f${(4821).toString(36)}`, user))).toBeNull();
    expect(await readReplyAddress(withParts(`t${(4822).toString(36)}`, user))).toBeNull();
    expect(await readReplyAddress(withParts(`t0${(4821).toString(36)}`, user))).toBeNull();
  });

  it("refuses other domains, truncated or padded tokens, and things that are not addresses", async () => {
    const address = await replyAddressFor(17, thread);
    const [local] = address.split("@");
    for (const other of [
      `${local}@evil.example`,
      `${local}@nimbus.example.evil`,
      `${local.slice(0, -1)}@nimbus.example`,
      `${local}a@nimbus.example`,
      `${local}@`,
      local,
      "",
      "reply+@nimbus.example",
      "support@nimbus.example",
      `${"a".repeat(10_000)}@nimbus.example`,
      "reply+t0-0-aaaaaaaaaaaaaaaaaaaa@nimbus.example",
    ]) {
      expect(await readReplyAddress(other), other).toBeNull();
    }
  });

  it("refuses every address once the installation's key is not the one that signed it", async () => {
    const address = await replyAddressFor(17, thread);
    await scriptDb()
      .update(siteSecrets)
      .set({ value: "0".repeat(64) })
      .where(eq(siteSecrets.name, "reply-key"));
    forgetSiteSecrets();
    expect(await readReplyAddress(address)).toBeNull();
  });
});
