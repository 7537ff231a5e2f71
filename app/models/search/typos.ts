/**
 * Typo arithmetic for search (DECISIONS.md #80), pure: which typed words may be corrected, how far a
 * correction may be, the deletions a SymSpell lookup lists, and the Damerau-Levenshtein distance
 * (optimal string alignment: an adjacent swap costs 1) that verifies each candidate.
 */

/** Longer words are left exact: their deletion lists would grow with the square of their length. */
export const MAX_CORRECTED_LENGTH = 24;

/** The edits a typed word may be away from its correction: 1 for 3-5 letters, 2 from 6; 0 = exact. */
export function allowedDistance(word: string): number {
  const length = [...word].length;
  if (length < 3 || length > MAX_CORRECTED_LENGTH || /^\p{N}+$/u.test(word)) return 0;
  return length <= 5 ? 1 : 2;
}

/** `word` and every string `depth` or fewer single-letter deletions away from it. */
export function deletions(word: string, depth: number): Set<string> {
  const found = new Set([word]);
  let frontier = [word];
  for (let step = 0; step < depth; step++) {
    const next: string[] = [];
    for (const text of frontier) {
      const letters = [...text];
      for (let at = 0; at < letters.length; at++) {
        const variant = [...letters.slice(0, at), ...letters.slice(at + 1)].join("");
        if (!found.has(variant)) {
          found.add(variant);
          next.push(variant);
        }
      }
    }
    frontier = next;
  }
  return found;
}

/** Damerau-Levenshtein distance (optimal string alignment) between two words, by letters. */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const rows: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i][j] = best;
    }
  }
  return rows[s.length][t.length];
}

export type Candidate = { word: string; documents: number };
export type Correction = { word: string; distance: number; documents: number };

/** Up to `limit` corrections of `typed` among `candidates`: closest first, then most frequent. */
export function closestWords(typed: string, candidates: Candidate[], limit: number): Correction[] {
  const allowed = allowedDistance(typed);
  return candidates
    .map((candidate) => ({ ...candidate, distance: editDistance(typed, candidate.word) }))
    .filter((candidate) => candidate.distance > 0 && candidate.distance <= allowed)
    .sort((a, b) => a.distance - b.distance || b.documents - a.documents || a.word.localeCompare(b.word))
    .slice(0, limit);
}
