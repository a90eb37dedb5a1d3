/**
 * One field of a CSV file replen writes (the suggested-order export, `replen forecast`, `replen simulate`): RFC 4180,
 * quoted when it holds a comma, a quote or a line break. Text that a spreadsheet would run as a formula (starting
 * with =, +, -, @, a tab or a carriage return: `=HYPERLINK(…)`) gets a leading ' so that it is shown, not run
 * (OWASP "CSV injection"); numbers are written as they are. Empty for null and undefined.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
