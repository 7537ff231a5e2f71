// An imported account's profile (issue 17): where it came from, its source badges, and whether it may be claimed.
import { beforeAll, describe, expect, it } from "vitest";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { importedAccountOf } from "~/models/accounts/imported-accounts.server";
import { makeUser } from "../../fixtures/factories";
import { addImportedBadges, deletedUserOf, importedUser } from "../../fixtures/imported";

const SITE = "bicycles.meta.stackexchange.com";
let reader: Member;
let deleted: Member;

beforeAll(async () => {
  reader = await makeUser("member");
  deleted = await deletedUserOf(SITE);
});

describe("an imported account's profile", () => {
  it("names the site, lists the badges earned there apart, and offers a claim until someone signs in", async () => {
    const person = await importedUser(SITE, 7001);
    await addImportedBadges(person.id, SITE, [
      { name: "Nice Answer", tier: "bronze" },
      { name: "Nice Answer", tier: "bronze" },
      { name: "Great Question", tier: "gold" },
    ]);
    expect(await importedAccountOf(VISITOR, person.id)).toEqual({
      sites: [SITE],
      badges: [
        { site: SITE, name: "Great Question", tier: "gold", times: 1 },
        { site: SITE, name: "Nice Answer", tier: "bronze", times: 2 },
      ],
      claimable: true,
    });
    expect((await importedAccountOf(VISITOR, deleted.id))?.claimable).toBe(false);
    expect(await importedAccountOf(VISITOR, reader.id)).toBeNull();
  });
});
