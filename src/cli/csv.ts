/**
 * Series CSV in and forecast CSV out, for the forecast command.
 * Input: header series_id,period,value, one row per observation, in any order. A period is an integer or an ISO
 * date (YYYY-MM-DD), one kind for the whole file; an empty value, NA or NaN is a missing observation (a gap the
 * forecaster interpolates). Periods are only ordered: a period absent from a series is not inserted as a gap.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse';

export interface SeriesHistory {
  id: string;
  /** Values in period order; NaN where the value was missing. */
  values: number[];
}

/** A problem in the input file, with the line it was found on. */
export class CsvInputError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'CsvInputError';
  }
}

const expectedHeader = ['series_id', 'period', 'value'];
const integerPattern = /^[+-]?\d+$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const missingValues = new Set(['', 'NA', 'NaN']);

type PeriodKind = 'integer' | 'date';

function parsePeriod(text: string, line: number): { kind: PeriodKind; key: number } {
  if (integerPattern.test(text)) return { kind: 'integer', key: Number(text) };
  const date = datePattern.exec(text);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const time = Date.UTC(year, month - 1, day);
    const check = new Date(time);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) return { kind: 'date', key: time };
    throw new CsvInputError(line, `period '${text}' is not a valid calendar date`);
  }
  throw new CsvInputError(line, `period '${text}' is neither an integer nor an ISO date (YYYY-MM-DD)`);
}

function parseValue(text: string, line: number): number {
  if (missingValues.has(text)) return NaN;
  if (!numberPattern.test(text)) throw new CsvInputError(line, `value '${text}' is not a number`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new CsvInputError(line, `value '${text}' is out of range`);
  return value;
}

/** Reads and checks a series CSV file; series come back in order of first appearance. */
export async function readSeriesCsv(path: string): Promise<SeriesHistory[]> {
  // Opening first makes a missing file a plain ENOENT error; pipe() does not pass read errors on, hence the forward.
  const input = (await open(path)).createReadStream();
  const parser = input.pipe(parse({ info: true, trim: true, skip_empty_lines: true, relax_column_count: true, bom: true }));
  input.on('error', (error) => parser.destroy(error));
  const bySeries = new Map<string, { period: number; value: number; line: number }[]>();
  let periodKind: PeriodKind | undefined;
  let headerSeen = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!headerSeen) {
        if (record.join(',') !== expectedHeader.join(',')) {
          throw new CsvInputError(line, `header must be ${expectedHeader.join(',')}, got '${record.join(',')}'`);
        }
        headerSeen = true;
        continue;
      }
      if (record.length !== 3) throw new CsvInputError(line, `expected 3 fields (series_id,period,value), got ${record.length}`);
      const [id, periodText, valueText] = record;
      if (id === '') throw new CsvInputError(line, 'series_id is empty');
      const period = parsePeriod(periodText, line);
      periodKind ??= period.kind;
      if (period.kind !== periodKind) {
        throw new CsvInputError(line, `period '${periodText}' is ${period.kind === 'date' ? 'a date' : 'an integer'} but earlier periods are ${periodKind}s`);
      }
      const rows = bySeries.get(id) ?? [];
      rows.push({ period: period.key, value: parseValue(valueText, line), line });
      bySeries.set(id, rows);
    }
  } catch (error) {
    if (error instanceof CsvInputError) throw error;
    // csv-parse's own errors (e.g. an unclosed quote) carry the line they stopped on.
    const parseError = error as { code?: string; lines?: number; message: string };
    if (parseError.code?.startsWith('CSV_')) throw new CsvInputError(parseError.lines ?? 0, parseError.message);
    throw error;
  }
  if (!headerSeen) throw new CsvInputError(1, `file is empty: expected the header ${expectedHeader.join(',')}`);
  return [...bySeries].map(([id, rows]) => {
    rows.sort((a, b) => a.period - b.period || a.line - b.line);
    for (let i = 1; i < rows.length; i++) {
      if (rows[i].period === rows[i - 1].period) {
        const [first, second] = [rows[i - 1].line, rows[i].line];
        throw new CsvInputError(Math.max(first, second), `duplicate period for series '${id}' (also on line ${Math.min(first, second)})`);
      }
    }
    return { id, values: rows.map((row) => row.value) };
  });
}

/** A number with up to 10 significant digits, without trailing zeros. */
export function csvNumber(value: number): string {
  return String(Number(value.toPrecision(10)));
}

/** A series the command refuses (too short, bad values): the input's fault, reported with exit code 2. */
export class SeriesError extends Error {}

/** Whether an error is the input's or the file system's (bad CSV, a refused series, ENOENT, EISDIR, EACCES …), not a bug. */
export function isInputError(error: unknown): boolean {
  return error instanceof CsvInputError || error instanceof SeriesError || /^E[A-Z]+$/.test(String((error as NodeJS.ErrnoException).code));
}

/**
 * Writes lines (computed lazily, one series at a time) to a temporary file beside `output` and renames it into place
 * only when every line was written: a failure leaves no partial output and an existing file untouched.
 */
export async function writeLinesAtomically(output: string, lines: Iterable<string>): Promise<void> {
  const temporary = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
  try {
    const file = await open(temporary, 'w');
    try {
      for (const line of lines) await file.write(`${line}\n`);
    } finally {
      await file.close();
    }
    await rename(temporary, output);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
