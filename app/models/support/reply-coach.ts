/**
 * The reply coach: finds phrases from the staff lexicon in a reply being written, and notices when a
 * customer is upset and the reply asks a basic diagnostic question without an apology first.
 * Pure and browser-safe: the same code marks phrases as staff type and runs in tests.
 *
 * Matching ignores case, curly versus straight apostrophes, and the punctuation and spacing between
 * words ("Did you plug it in?!" matches "did you plug it in?"), but only whole words: "calm downstairs"
 * does not match "calm down".
 */

export type LexiconEntry = { id: number; phrase: string; suggestion: string };
/** What a staff reply box gets to coach with: the lexicon, and whether the customer sounds upset. */
export type ReplyCoach = { lexicon: LexiconEntry[]; customerUpset: boolean };
export type PhraseMatch = {
  entryId: number;
  phrase: string;
  suggestion: string;
  start: number;
  end: number;
  text: string;
};

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;

const normalizeApostrophes = (text: string) => text.replace(/[\u2018\u2019\u02bc`]/g, "'");

/** The words of a phrase, lower-cased: the phrase's identity in the lexicon ("Did you plug it in?" → "did you plug it in"). */
export function phraseKey(phrase: string) {
  return (normalizeApostrophes(phrase).toLowerCase().match(WORD) ?? []).join(" ");
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function phrasePattern(phrase: string) {
  const words = phraseKey(phrase).split(" ").filter(Boolean);
  if (words.length === 0) return null;
  // Between words: any run of spaces and punctuation (not letters or digits). Around the phrase: no
  // letter or digit, so only whole words match.
  const body = words.map((word) => escapeRegExp(word).replace(/'/g, "['\u2018\u2019\u02bc`]")).join("[^\\p{L}\\p{N}]+");
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "giu");
}

/** Every place in `text` where a lexicon phrase occurs, in order of position. */
export function findLexiconPhrases(text: string, lexicon: LexiconEntry[]): PhraseMatch[] {
  const matches: PhraseMatch[] = [];
  for (const entry of lexicon) {
    const pattern = phrasePattern(entry.phrase);
    if (!pattern) continue;
    for (const found of text.matchAll(pattern)) {
      const start = found.index ?? 0;
      matches.push({
        entryId: entry.id,
        phrase: entry.phrase,
        suggestion: entry.suggestion,
        start,
        end: start + found[0].length,
        text: found[0],
      });
    }
  }
  return matches.sort((a, b) => a.start - b.start || b.end - a.end);
}

const UPSET_WORDS = [
  "frustrated",
  "frustrating",
  "unacceptable",
  "ridiculous",
  "furious",
  "angry",
  "annoyed",
  "useless",
  "terrible",
  "disappointed",
  "fed up",
  "still not working",
  "waste of",
];
const APOLOGY_WORDS = ["sorry", "apologise", "apologize", "apologies", "apology"];
const DIAGNOSTIC_QUESTIONS = [
  "did you",
  "have you tried",
  "have you checked",
  "is it plugged",
  "plug it in",
  "turn it off",
  "restart",
  "reboot",
  "power cycle",
  "which version",
  "what version",
  "are you sure",
  "can you confirm",
  "could you check",
];

const containsAny = (text: string, phrases: string[]) => {
  const words = ` ${phraseKey(text)} `;
  return phrases.some((phrase) => words.includes(` ${phraseKey(phrase)} `));
};

/**
 * The customer sounds upset: repeated exclamation marks ("!!", or three in all) or words such as
 * "frustrated" and "unacceptable" in what they wrote.
 */
export function customerSeemsUpset(customerText: string) {
  const exclamations = customerText.match(/!/g)?.length ?? 0;
  return /!{2,}/.test(customerText) || exclamations >= 3 || containsAny(customerText, UPSET_WORDS);
}

/** Remind staff to apologise: the customer is upset and the reply asks a basic question without saying sorry. */
export function needsApologyReminder(reply: string, customerIsUpset: boolean) {
  if (!customerIsUpset || reply.trim() === "") return false;
  return containsAny(reply, DIAGNOSTIC_QUESTIONS) && !containsAny(reply, APOLOGY_WORDS);
}
