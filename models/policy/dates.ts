/**
 * Calendar arithmetic on plain ISO dates ('YYYY-MM-DD'), without a clock or a time zone:
 * each date is read as a UTC calendar day, so differences are whole days whatever the machine's zone.
 */

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayMs = 86_400_000;

/**
 * Day numbers of the dates read so far: a run reads the same few hundred dates (orders, receipts, promises) millions
 * of times (lead-time learning, the backorder stage), and a lookup costs a tenth of the parse. Emptied when it grows
 * past DAY_CACHE_LIMIT, so a long process that reads every date keeps a bounded map.
 */
const dayCache = new Map<string, number>();
const DAY_CACHE_LIMIT = 100_000;

/** Days since 1970-01-01 of an ISO date (a leading 'YYYY-MM-DD' of a longer timestamp is accepted). */
export function dayNumber(date: string): number {
  const cached = dayCache.get(date);
  if (cached !== undefined) return cached;
  const day = parseDayNumber(date);
  if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
  dayCache.set(date, day);
  return day;
}

function parseDayNumber(date: string): number {
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
