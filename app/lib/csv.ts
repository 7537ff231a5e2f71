/**
 * CSV as spreadsheets read it (RFC 4180): fields with a comma, a quote or a line break are quoted,
 * quotes doubled, lines end with CRLF, and the file starts with a UTF-8 byte order mark so that
 * Excel reads names with accents as UTF-8. A text field that starts with = + - @ (or a tab or a
 * carriage return) gets a leading apostrophe: a spreadsheet would run it as a formula (OWASP
 * "CSV injection"). Numbers are written as they are.
 */
export type CsvValue = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(value: CsvValue) {
  if (value === null) return "";
  const text = typeof value === "string" && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document: the header, then one line per row. */
export function toCsv(header: string[], rows: CsvValue[][]) {
  return "\uFEFF" + [header, ...rows].map((row) => row.map(csvField).join(",") + "\r\n").join("");
}
