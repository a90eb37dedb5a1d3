import { Transform, type Readable } from 'node:stream';
import { CsvError as StreamCsvError, parse as parseStream } from 'csv-parse';
import { CsvError, parse } from 'csv-parse/sync';
import { AppError, ValidationError } from '../../errors';
import { toCamel, toSnake, type Format } from './kinds';

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
 * stream, and only csv-parse's buffer is held, so memory does not grow with the file. Bytes that are not UTF-8
 * stop it with the row and column holding them.
 */
export async function* streamCsvRecords(input: Readable): AsyncGenerator<SourceRecord> {
  const decoding = new StrictUtf8();
  const parser = input.pipe(decoding).pipe(parseStream(csvOptions));
  // Errors do not pass through pipe(): hand them to the parser so that the loop below sees them.
  input.once('error', (error) => parser.destroy(error));
  decoding.once('error', (error) => parser.destroy(error));
  let previousLine = 0;
  try {
    for await (const parsed of parser as AsyncIterable<ParsedCsvRecord>) {
      if (decoding.invalidLine !== undefined && decoding.invalidLine <= parsed.info.lines) {
        throw undecodable(decoding.invalidLine > previousLine ? parsed : undefined, decoding.invalidLine);
      }
      previousLine = parsed.info.lines;
      yield toSourceRecord(parsed);
    }
    if (decoding.invalidLine !== undefined) throw undecodable(undefined, decoding.invalidLine);
  } catch (error) {
    throw malformed(error);
  } finally {
    input.destroy();
  }
}

/**
 * The error for CSV text that is not valid in its charset (`text` decoded with U+FFFD in place of the bad bytes,
 * `line` the first line holding them): names the row and the column of the first such cell.
 */
export function undecodableCsv(text: string, line: number): ValidationError {
  let previousLine = 0;
  try {
    for (const parsed of parse(text, { ...csvOptions, columns: true, relax_column_count: true }) as ParsedCsvRecord[]) {
      if (parsed.info.lines >= line) return undecodable(line > previousLine ? parsed : undefined, line);
      previousLine = parsed.info.lines;
    }
  } catch {
    // The header itself, or text that is no CSV either: the line is all there is to say.
  }
  return undecodable(undefined, line);
}

function undecodable(record: ParsedCsvRecord | undefined, line: number): ValidationError {
  const column = record && Object.entries(record.record).find(([, value]) => value.includes('\uFFFD'))?.[0];
  const field = column === undefined ? '' : toSnake(column);
  const reason = 'bytes that are not valid text in the charset (UTF-8 unless the Content-Type names another)';
  return new ValidationError(`CSV is not valid text at line ${line}${field ? `, column ${field}` : ''}`, [{ row: line, field, reason }]);
}

type ParsedCsvRecord = { record: Record<string, string>; info: { lines: number } };

const csvOptions = {
  columns: (header: string[]) => {
    const names = header.map((name) => toCamel(name.trim().toLowerCase()));
    names.forEach((name, index) => {
      const problem = names.indexOf(name) !== index ? 'named twice in the header' : name.includes('\0') ? 'holds a NUL character' : undefined;
      if (problem) throw new ValidationError(`CSV column ${toSnake(name)} is ${problem}`, [{ row: 1, field: toSnake(name), reason: `column ${problem}` }]);
    });
    return names;
  },
  skip_empty_lines: true,
  trim: true,
  bom: true,
  info: true,
};

function toSourceRecord({ record, info }: ParsedCsvRecord): SourceRecord {
  const data: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === '') continue;
    if (value.includes('\0')) {
      throw new ValidationError(`CSV holds a NUL character at line ${info.lines}`, [{ row: info.lines, field: toSnake(name), reason: 'text must not contain a NUL character' }]);
    }
    data[name] = value;
  }
  return { row: info.lines, data };
}

function malformed(error: unknown): unknown {
  // The sync and stream builds of csv-parse each bundle their own CsvError class.
  if (!(error instanceof CsvError || error instanceof StreamCsvError)) return error;
  const line = (error as CsvError & { lines?: number }).lines;
  return new ValidationError(`malformed CSV at line ${line}: ${error.message}`, { line });
}

/**
 * UTF-8 bytes to text, never silently: the text goes on with U+FFFD in place of bad bytes (so that the parser can
 * tell which record and column hold them) and `invalidLine` is the line of the first bad byte.
 */
class StrictUtf8 extends Transform {
  invalidLine: number | undefined;
  private readonly text = new TextDecoder('utf-8');
  private readonly check = new TextDecoder('utf-8', { fatal: true });
  /** Line feeds before the current chunk, and the bytes of an unfinished character at the end of the last chunk. */
  private lines = 0;
  private tail: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: string) => void): void {
    if (this.invalidLine === undefined) {
      try {
        this.check.decode(chunk, { stream: true });
      } catch {
        this.invalidLine = this.lines + lineOfFirstBadByte(Buffer.concat([this.tail, chunk]));
      }
      this.lines += count(chunk, 0x0a);
      this.tail = unfinishedCharacter(chunk);
    }
    done(null, this.text.decode(chunk, { stream: true }));
  }

  override _flush(done: (error?: Error | null, data?: string) => void): void {
    if (this.invalidLine === undefined) {
      try {
        this.check.decode();
      } catch {
        this.invalidLine = this.lines + 1;
      }
    }
    done(null, this.text.decode());
  }
}

/** The bytes of a character the end of `bytes` cuts (a lead byte and fewer continuation bytes than it announces). */
function unfinishedCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return bytes.subarray(length > back ? bytes.length - back : bytes.length);
  }
  return bytes.subarray(bytes.length);
}

function count(bytes: Buffer, byte: number): number {
  let found = 0;
  for (let index = bytes.indexOf(byte); index !== -1; index = bytes.indexOf(byte, index + 1)) found++;
  return found;
}

/**
 * The 1-based line of the first byte that is not UTF-8, counting line feeds (a 0x0A byte is never part of a longer
 * UTF-8 sequence); a character cut at the end of the bytes is not bad.
 */
export function lineOfFirstBadByte(bytes: Buffer, encoding = 'utf-8'): number {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    try {
      decoder.decode(bytes.subarray(start, end === -1 ? bytes.length : end), { stream: end === -1 });
    } catch {
      return line;
    }
    if (end === -1) return line;
    start = end + 1;
  }
}
