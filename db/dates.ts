/** Calendar dates as 'YYYY-MM-DD' strings and whole UTC day numbers, so that no time zone can move a day. */
const MS_PER_DAY = 86_400_000;

export function dayNumber(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`dayNumber: not a YYYY-MM-DD date: ${date}`);
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return isoDate(dayNumber(date) + days);
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. Day 0 (1970-01-01) was a Thursday. */
export function isoWeekday(date: string): number {
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/** The Sunday on or before `date`: the end of the last complete Monday-to-Sunday week. */
export function lastSundayOnOrBefore(date: string): string {
  return addDays(date, -(isoWeekday(date) % 7));
}
