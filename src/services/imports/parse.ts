import type { Readable } from 'node:stream';
import { CsvError as StreamCsvError, parse as parseStream } from 'csv-parse';
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
  let parsed: ParsedCsvRecord[];
  try {
    parsed = parse(body, { ...csvOptions, to: maxRows + 1 });
  } catch (error) {
    throw malformed(error);
  }
  if (parsed.length > maxRows) throw tooManyRows(maxRows);
  return parsed.map(toSourceRecord);
}

/**
 * The records of a CSV stream (a file of any size), read as they arrive: rows keep their line numbers in the whole
 * stream, and only csv-parse's buffer is held, so memory does not grow with the file.
 */
export async function* streamCsvRecords(input: Readable): AsyncGenerator<SourceRecord> {
  const parser = input.pipe(parseStream(csvOptions));
  // A read error of the file does not pass through pipe(): hand it to the parser so that the loop below sees it.
  input.once('error', (error) => parser.destroy(error));
  try {
    for await (const parsed of parser) yield toSourceRecord(parsed as ParsedCsvRecord);
  } catch (error) {
    throw malformed(error);
  } finally {
    input.destroy();
  }
}

type ParsedCsvRecord = { record: Record<string, string>; info: { lines: number } };

const csvOptions = {
  columns: (header: string[]) => header.map((name) => toCamel(name.trim().toLowerCase())),
  skip_empty_lines: true,
  trim: true,
  bom: true,
  info: true,
};

const toSourceRecord = ({ record, info }: ParsedCsvRecord): SourceRecord => ({
  row: info.lines,
  data: Object.fromEntries(Object.entries(record).filter(([, value]) => value !== '')),
});

function malformed(error: unknown): unknown {
  // The sync and stream builds of csv-parse each bundle their own CsvError class.
  if (!(error instanceof CsvError || error instanceof StreamCsvError)) return error;
  const line = (error as CsvError & { lines?: number }).lines;
  return new ValidationError(`malformed CSV at line ${line}: ${error.message}`, { line });
}
