import { describe, expect, it } from "vitest";
import {
  customerSeemsUpset,
  findLexiconPhrases,
  needsApologyReminder,
  phraseKey,
  type LexiconEntry,
} from "~/models/support/reply-coach";

const lexicon: LexiconEntry[] = [
  { id: 1, phrase: "it's our policy", suggestion: "Give the reason." },
  { id: 2, phrase: "did you plug it in?", suggestion: "Ask gently." },
  { id: 3, phrase: "calm down", suggestion: "Name the feeling." },
  { id: 4, phrase: "you're wrong", suggestion: "Acknowledge first." },
];
const found = (text: string) => findLexiconPhrases(text, lexicon).map((match) => match.text);

describe("lexicon matcher", () => {
  it("ignores case", () => {
    expect(found("CALM DOWN, please.")).toEqual(["CALM DOWN"]);
    expect(found("Calm Down")).toEqual(["Calm Down"]);
  });

  it("ignores the punctuation and spacing between and after words", () => {
    expect(found("So... did you plug it in?! Thanks")).toEqual(["did you plug it in"]);
    expect(found("Did you\nplug it  in")).toEqual(["Did you\nplug it  in"]);
    expect(found("calm, down")).toEqual(["calm, down"]);
  });

  it("treats curly and straight apostrophes alike", () => {
    expect(found("Sorry, it\u2019s our policy.")).toEqual(["it\u2019s our policy"]);
    expect(found("You\u2018re wrong")).toEqual(["You\u2018re wrong"]);
  });

  it("matches whole words only", () => {
    expect(found("calm downstairs")).toEqual([]);
    expect(found("becalm down")).toEqual([]);
    expect(found("its our policy")).toEqual([]);
    expect(found("you're wrongly charged")).toEqual([]);
  });

  it("reports every occurrence with its position, in order", () => {
    const text = "calm down. It's our policy. Calm down!";
    const matches = findLexiconPhrases(text, lexicon);
    expect(matches.map((match) => [match.entryId, match.start, match.end])).toEqual([
      [3, 0, 9],
      [1, 11, 26],
      [3, 28, 37],
    ]);
    expect(text.slice(matches[1].start, matches[1].end)).toBe("It's our policy");
    expect(matches[0].suggestion).toBe("Name the feeling.");
  });

  it("skips entries without words and escapes regular-expression characters", () => {
    expect(findLexiconPhrases("a (b) c", [{ id: 9, phrase: "?!", suggestion: "" }])).toEqual([]);
    expect(
      findLexiconPhrases("price is $5 (plus tax)", [{ id: 9, phrase: "5 (plus", suggestion: "x" }]).map((m) => m.text),
    ).toEqual(["5 (plus"]);
  });

  it("keys phrases by their words", () => {
    expect(phraseKey("  Did you PLUG it in?? ")).toBe("did you plug it in");
    expect(phraseKey("It\u2019s our policy")).toBe("it's our policy");
  });
});

describe("apology reminder", () => {
  it("sees upset customers by exclamation marks and words", () => {
    expect(customerSeemsUpset("It broke again!!")).toBe(true);
    expect(customerSeemsUpset("Broke! Again! Today!")).toBe(true);
    expect(customerSeemsUpset("I am so Frustrated with this hub")).toBe(true);
    expect(customerSeemsUpset("This is unacceptable.")).toBe(true);
    expect(customerSeemsUpset("Hi! The hub is offline since the update.")).toBe(false);
  });

  it("asks for an apology before diagnostic questions, only when the customer is upset", () => {
    expect(needsApologyReminder("Have you tried restarting the hub?", true)).toBe(true);
    expect(needsApologyReminder("Sorry about this. Have you tried restarting the hub?", true)).toBe(false);
    expect(needsApologyReminder("I apologise for the trouble; did you restart it?", true)).toBe(false);
    expect(needsApologyReminder("Have you tried restarting the hub?", false)).toBe(false);
    expect(needsApologyReminder("The fix ships tomorrow.", true)).toBe(false);
  });
});
