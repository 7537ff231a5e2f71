import { describe, expect, it } from "vitest";
import { describeTimeline } from "~/models/support/timeline";

const CUSTOMER = 7;
const event = (kind: string, detail = "", actorId: number | null = 3, actor: string | null = "sam") => ({
  kind,
  detail,
  actorId,
  actor,
});

describe("describeTimeline", () => {
  const events = [
    event("opened", "target", null, null),
    event("assigned", "sam"),
    event("status", "new → open"),
    event("status", "open → waiting"),
    event("reminded", "", null, null),
    event("status", "waiting → open", CUSTOMER, "casey"),
    event("priority", "normal → urgent"),
    event("status", "open → resolved", CUSTOMER, "casey"),
    event("status", "resolved → open", CUSTOMER, "casey"),
    event("status", "open → resolved"),
    event("auto-resolved", "", null, null),
    event("escalated-to-engineering", "JIRA-12"),
  ];

  it("speaks the customer's words, and says why the last resolution happened", () => {
    expect(describeTimeline(events, "customer", { customerId: CUSTOMER, resolution: "accepted-answer" })).toEqual([
      "Your question was still waiting for an answer, so our support team took it up",
      "sam from our support team is looking after your question",
      "We started looking at your question",
      "Support is waiting for your reply",
      "We reminded you that we are waiting for your reply",
      "You replied: it is back with our support team",
      "We now treat your question as urgent priority",
      "Resolved when you accepted an answer",
      "You said it is still not solved",
      "Resolved: an answer in your thread was accepted",
      "We stopped waiting for your reply: if it is still not solved, you can reopen it here",
      "Your follow-up was updated",
    ]);
  });

  it("keeps staff's precise wording", () => {
    const lines = describeTimeline(events, "staff", { customerId: CUSTOMER, resolution: null });
    expect(lines[0]).toBe("Hearth: opened (target)");
    expect(lines[2]).toBe("sam: status (new → open)");
    expect(lines[6]).toBe("sam: priority (normal → urgent)");
  });
});
