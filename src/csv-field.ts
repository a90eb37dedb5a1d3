/**
 * Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return:
 * `=HYPERLINK(…)`) gets a leading ' so that it is shown, not run (OWASP "CSV injection"), in CSV and XLSX alike.
 */
export function inertText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * One field of a CSV file replen writes (the suggested-order export, list exports, `replen forecast`, `replen
 * simulate`): RFC 4180, quoted when it holds a comma, a quote or a line break; text made inert (inertText); numbers
 * written as they are. Empty for null and undefined.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? inertText(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of fields, CRLF-terminated. */
export const csvRow = (row: unknown[]) => row.map(csvField).join(',') + '\r\n';
