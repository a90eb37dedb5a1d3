import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createFileKeys } from '../../../db/repositories/file-keys';
import { importedFile, recordImportedFile } from '../../../db/repositories/source-state';
import { AppError } from '../../errors';
import type { ImportError } from '../import-service';
import { importKinds, type ImportKindName } from '../imports/kinds';
import { type SourceRecord, streamCsvRecords } from '../imports/parse';
import { addCounts, type ConnectorContext, SourceError, type TableCounts } from './batches';
import type { CsvFolderSource } from './sources';

/** Files are taken kind by kind in this order, so that the records a file refers to arrive before it. */
const kindOrder: ImportKindName[] = ['items', 'events', 'suppliers', 'supplier-items', 'purchase-orders', 'receipts', 'sales-orders', 'daily-sales', 'on-hand'];

export interface FileOutcome {
  file: string;
  /** imported: committed; already-imported: the same name and content was imported before; failed: see its error file. */
  outcome: 'imported' | 'already-imported' | 'failed';
  /** Where the file went, relative to the source folder. */
  movedTo: string;
  kind?: ImportKindName;
  message?: string;
}

export interface CsvFolderPullReport {
  source: string;
  type: 'csv-folder';
  files: FileOutcome[];
  /** Files left for the next pull because they were modified less than settleSeconds ago. */
  waiting: string[];
  counts: TableCounts;
}

/** The kind a file name starts with (the longest such kind name), or undefined. */
export function kindOfFile(fileName: string): ImportKindName | undefined {
  const name = fileName.toLowerCase();
  return [...kindOrder].sort((a, b) => b.length - a.length).find((kind) => name.startsWith(kind));
}

/**
 * Pulls a folder of CSV files: each *.csv file directly in the folder is read as a stream, imported in batches of at
 * most the import service's maxRows in one transaction (all rows or none) and recorded with its content hash in the
 * same transaction, then moved to processed/ with <file>.report.json (the batches' counts summed), or to failed/ with
 * <file>.error.json when it cannot be imported, whatever the cause (unparseable, rejected rows, values the database
 * refuses, unreadable); only when the database does not answer does the pull fail with the file left in place. The file's keys are kept across its batches in a temporary
 * table of its transaction, so that a key repeated in a later batch is flagged too; after a rejected batch the rest is
 * checked without writing, so that the error file lists the bad rows of the whole file. A file is moved only after
 * the commit; one left behind by a crash is recognised by its hash and moved without importing it again.
 */
export async function pullCsvFolder(context: ConnectorContext, source: CsvFolderSource): Promise<CsvFolderPullReport> {
  const report: CsvFolderPullReport = { source: source.name, type: 'csv-folder', files: [], waiting: [], counts: {} };
  const names = await csvFilesIn(source.folder).catch((error: Error) => {
    const summary = `source ${source.name}: cannot read the folder`;
    throw new SourceError(503, 'source_failed', `${summary}: ${error.message}`, summary);
  });
  const files = names
    .map((name) => ({ name, kind: source.kind ?? kindOfFile(name) }))
    .sort((a, b) => rank(a.kind) - rank(b.kind) || a.name.localeCompare(b.name));

  for (const { name, kind } of files) {
    const file = path.join(source.folder, name);
    const stat = await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
      // Gone since the listing: a pull of the same source running at the same time took it.
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stat) continue;
    // Whole milliseconds, like the clock: a file written this millisecond is not in the future (settleSeconds 0).
    if (context.now().getTime() - Math.floor(stat.mtimeMs) < source.settleSeconds * 1000) {
      report.waiting.push(name);
      continue;
    }
    const about: FileAbout = { file: name, kind, sha256: '', sizeBytes: stat.size };
    try {
      const { outcome, counts } = await importFile(context, source, about);
      report.files.push(outcome);
      if (counts) addCounts(report.counts, counts);
    } catch (error) {
      // Whatever the file did (bad rows, bytes or dates the database refuses, unreadable), it goes to failed/ with
      // its error, so that the files after it are still imported; only a database that cannot be reached fails the
      // pull and leaves the file where it is, for the next pull.
      if (!(error instanceof AppError && error.statusCode < 500) && !(await answers(context.db))) throw error;
      const known = error instanceof AppError ? error : undefined;
      const message = known?.message ?? `the file could not be imported: ${causeOf(error)}`;
      const unlisted = error instanceof FileRejected && { moreErrors: error.moreErrors };
      const movedTo = await move(source, name, 'failed', { ...about, code: known?.code ?? 'import_failed', message, errors: known?.details, ...unlisted });
      report.files.push({ file: name, outcome: 'failed', movedTo, kind, message });
      context.logger.warn({ source: source.name, file: name, message }, 'file failed');
    }
  }
  return report;
}

interface FileAbout {
  file: string;
  kind: ImportKindName | undefined;
  /** Of the content; empty until hashed. */
  sha256: string;
  sizeBytes: number;
}

/**
 * Imports one settled file in one transaction and moves it to processed/ (or, having no kind, to failed/); a file
 * imported before under the same name and hash is moved to processed/ unimported. Throws when it cannot be imported.
 */
async function importFile(context: ConnectorContext, source: CsvFolderSource, about: FileAbout): Promise<{ outcome: FileOutcome; counts?: TableCounts }> {
  const { file: name, kind } = about;
  const file = path.join(source.folder, name);
  about.sha256 = await hashOf(file);
  if (!kind) {
    const message = `no import kind: the file name must start with one of ${kindOrder.join(', ')}`;
    return { outcome: { file: name, outcome: 'failed', movedTo: await move(source, name, 'failed', { ...about, message }), message } };
  }
  const earlier = await importedFile(context.db, source.name, name, about.sha256);
  if (earlier) {
    const movedTo = await move(source, name, 'processed', { ...about, alreadyImportedAt: earlier.importedAt, firstReport: earlier.report });
    return { outcome: { file: name, outcome: 'already-imported', movedTo, kind } };
  }
  let rows = 0;
  const counts = await context.db.transaction(async (trx) => {
    const imported: TableCounts = {};
    await createFileKeys(trx);
    const rejected = new Rejections();
    for await (const records of batches(streamCsvRecords(createReadStream(file)), context.imports.maxRows, orderOf(kind))) {
      try {
        // Once a batch is rejected the file cannot commit: the rest is only checked, so its error lists every bad row.
        const validateOnly = rejected.rows > 0;
        addCounts(imported, await context.imports.importRecords(kind, { format: 'csv', records, partial: false, trx, fileKeys: true, validateOnly }));
        rows += records.length;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'import_rejected')) throw error;
        rejected.add(error.details as ImportError[]);
      }
    }
    if (rejected.rows > 0) throw new FileRejected(rejected);
    await recordImportedFile(trx, { source: source.name, fileName: name, sha256: about.sha256, sizeBytes: about.sizeBytes, report: { kind, counts: imported } });
    return imported;
  });
  context.committed(kind, rows, counts);
  const movedTo = await move(source, name, 'processed', { ...about, importedAt: context.now().toISOString(), counts });
  context.logger.info({ source: source.name, file: name, counts }, 'file imported');
  return { outcome: { file: name, outcome: 'imported', movedTo, kind }, counts };
}

/**
 * What went wrong, without the SQL knex puts in front of a database error's message (`<query> - <message>`); the
 * SQLSTATE code of a database error is kept.
 */
function causeOf(error: unknown): string {
  const { message, code } = error as { message?: string; code?: unknown };
  const text = String(message ?? error);
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return text;
  const afterQuery = text.lastIndexOf(' - ');
  return `${afterQuery === -1 ? text : text.slice(afterQuery + 3)} (SQLSTATE ${code})`;
}

/** Whether the database answers: if it does, an error importing a file came from the file. */
async function answers(db: ConnectorContext['db']): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}

/** The names of the CSV files directly in a folder (hidden files and subfolders such as processed/ left out): what a pull takes. */
export async function csvFilesIn(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && !entry.name.startsWith('.') && entry.name.toLowerCase().endsWith('.csv')).map((entry) => entry.name);
}

/** A rejected file's error file lists this many errors, the first in the file; it counts the rest. */
const MAX_LISTED_ERRORS = 1000;

/** The rejected rows of a file's batches: how many, the first MAX_LISTED_ERRORS errors and the count of the others. */
class Rejections {
  rows = 0;
  readonly errors: ImportError[] = [];
  more = 0;

  add(batchErrors: ImportError[]): void {
    this.rows += new Set(batchErrors.map((error) => error.row)).size;
    const listed = batchErrors.slice(0, Math.max(0, MAX_LISTED_ERRORS - this.errors.length));
    this.errors.push(...listed);
    this.more += batchErrors.length - listed.length;
  }
}

/** A file with rejected rows in any of its batches: its error file lists them across the whole file. */
class FileRejected extends AppError {
  readonly moreErrors: number;

  constructor(rejected: Rejections) {
    super(422, 'import_rejected', `${rejected.rows} rows rejected; nothing was imported`, rejected.errors);
    this.moreErrors = rejected.more;
  }
}

const rank = (kind: ImportKindName | undefined) => (kind === undefined ? -1 : kindOrder.indexOf(kind));

async function hashOf(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** For kinds with one CSV line per order line: the order a record belongs to, else undefined. */
function orderOf(kind: ImportKindName): (record: SourceRecord) => unknown {
  if (!('fromCsv' in importKinds[kind])) return () => undefined;
  return (record) => (record.data as { externalId?: unknown }).externalId;
}

/**
 * The records in batches of at most `size`. The lines of one order, one after another, stay in one batch (an order
 * split in two would have its header imported twice), unless the order alone is larger than a batch.
 */
async function* batches(records: AsyncIterable<SourceRecord>, size: number, order: (record: SourceRecord) => unknown): AsyncGenerator<SourceRecord[]> {
  let batch: SourceRecord[] = [];
  for await (const record of records) {
    if (batch.length === size) {
      const current = order(record);
      let cut = size;
      if (current !== undefined) while (cut > 0 && order(batch[cut - 1]) === current) cut--;
      if (cut === 0) cut = size;
      yield batch.slice(0, cut);
      batch = batch.slice(cut);
    }
    batch.push(record);
  }
  if (batch.length > 0) yield batch;
}

/**
 * Writes the report beside the file's new place, then moves the file: a file in processed/ or failed/ always has its
 * report. A name already taken there (the same file name dropped again, changed) gets the content hash appended.
 */
async function move(source: CsvFolderSource, name: string, to: 'processed' | 'failed', report: Record<string, unknown> & { sha256: string }): Promise<string> {
  const folder = path.join(source.folder, to);
  await fs.mkdir(folder, { recursive: true });
  const extension = path.extname(name);
  const taken = await exists(path.join(folder, name));
  // An unreadable file has no hash: the time tells two apart instead.
  const suffix = report.sha256 ? report.sha256.slice(0, 12) : String(Date.now());
  const target = taken ? `${path.basename(name, extension)}.${suffix}${extension}` : name;
  await fs.writeFile(path.join(folder, `${target}.${to === 'processed' ? 'report' : 'error'}.json`), `${JSON.stringify(report, null, 2)}\n`);
  try {
    await fs.rename(path.join(source.folder, name), path.join(folder, target));
  } catch (error) {
    // Gone already: a pull of the same source running at the same time moved it after the same idempotent import.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return path.join(to, target);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
