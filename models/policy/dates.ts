/**
 * Calendar arithmetic on plain ISO dates ('YYYY-MM-DD'), without a clock or a time zone:
 * each date is read as a UTC calendar day, so differences are whole days whatever the machine's zone.
 */

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayMs = 86_400_000;

/** Days since 1970-01-01 of an ISO date (a leading 'YYYY-MM-DD' of a longer timestamp is accepted). */
export function dayNumber(date: string): number {
  const match = isoDate.exec(typeof date === 'string' ? date.slice(0, 10) : '');
  if (!match) throw new Error(`dayNumber: not an ISO date (YYYY-MM-DD): ${String(date)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw new Error(`dayNumber: no such calendar day: ${date}`);
  return ms / dayMs;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The ISO date `days` whole days after `date` (days is rounded down to a whole day). */
export function addDays(date: string, days: number): string {
  if (!Number.isFinite(days)) throw new Error(`addDays: days must be finite, got ${days}`);
  return new Date((dayNumber(date) + Math.floor(days)) * dayMs).toISOString().slice(0, 10);
}
