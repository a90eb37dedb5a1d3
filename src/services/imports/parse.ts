import { CsvError, parse } from 'csv-parse/sync';
import { AppError, ValidationError } from '../../errors';
import { toCamel, type Format } from './kinds';

export interface SourceRecord {
  /** 1-based: the array index for JSON, the line number (header = line 1) for CSV. */
  row: number;
  data: unknown;
}

export const tooManyRows = (maxRows: number) => new AppError(413, 'too_many_rows', `at most ${maxRows} rows per request`);

/**
 * The records of a request body: a JSON array of objects, or CSV text with a header row whose snake_case column
 * names become the camelCase field names. Empty CSV cells are absent fields, so defaults apply to them.
 */
export function parseRecords(format: Format, body: unknown, maxRows: number): SourceRecord[] {
  if (format === 'json') {
    if (!Array.isArray(body)) throw new ValidationError('request body must be a JSON array of records');
    if (body.length > maxRows) throw tooManyRows(maxRows);
    return body.map((data: unknown, index) => ({ row: index + 1, data }));
  }
  if (typeof body !== 'string') throw new ValidationError('request body must be CSV text');
  let parsed: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    parsed = parse(body, {
      columns: (header: string[]) => header.map((name) => toCamel(name.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      to: maxRows + 1,
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new ValidationError(`malformed CSV at line ${line}: ${error.message}`, { line });
    }
    throw error;
  }
  if (parsed.length > maxRows) throw tooManyRows(maxRows);
  return parsed.map(({ record, info }) => ({
    row: info.lines,
    data: Object.fromEntries(Object.entries(record).filter(([, value]) => value !== '')),
  }));
}
