import type { Knex } from 'knex';
import { advanceSourceCursor } from '../../../db/repositories/source-state';
import type { ImportTable, UpsertCounts } from '../../../db/repositories/imports';
import { AppError, ConflictError } from '../../errors';
import type { Logger } from '../../logger';
import type { ImportResult, ImportService } from '../import-service';
import type { ImportKindName } from '../imports/kinds';

export interface ConnectorContext {
  db: Knex;
  imports: ImportService;
  logger: Logger;
  now: () => Date;
  /** Told of every commit of a pull (rows: the records it took), so that a pull that fails later still shows what it imported. */
  committed(kind: ImportKindName, rows: number, counts: ImportResult | TableCounts): void;
}

export type TableCounts = Partial<Record<ImportTable, UpsertCounts>>;

/** Adds one import's (or one total's) per-table counts into a running total. */
export function addCounts(total: TableCounts, result: ImportResult | TableCounts): TableCounts {
  for (const [table, counts] of Object.entries(result) as Array<[string, unknown]>) {
    if (table === 'errors') continue;
    const { inserted, updated, unchanged } = counts as UpsertCounts;
    const sum = (total[table as ImportTable] ??= { inserted: 0, updated: 0, unchanged: 0 });
    sum.inserted += inserted;
    sum.updated += updated;
    sum.unchanged += unchanged;
  }
  return total;
}

/**
 * A pull's error with what viewers of GET /sources may see of it (`summary`): the message without the ERP's answer,
 * which may hold its internals; admins see the whole message.
 */
export class SourceError extends AppError {
  constructor(
    statusCode: number,
    code: string,
    message: string,
    readonly summary: string,
    details?: unknown,
  ) {
    super(statusCode, code, message, details);
  }
}

/**
 * What viewers may see of a pull's error: a SourceError's summary, the message of replen's own client errors (a
 * rejected batch, a bad query column); undefined for anything else (a database's or the file system's own words).
 */
export function summaryOf(error: unknown): string | undefined {
  if (error instanceof SourceError) return error.summary;
  if (error instanceof AppError && error.statusCode < 500) return error.message;
  return undefined;
}

/** The same error with where it happened in front of its message; errors that are not AppErrors keep theirs as cause. */
export function locate(error: unknown, where: string): Error {
  if (error instanceof AppError) {
    const summary = summaryOf(error);
    return new SourceError(error.statusCode, error.code, `${where}: ${error.message}`, `${where}: ${summary ?? 'failed (an admin sees why)'}`, error.details);
  }
  return new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/**
 * Imports one batch of a cursor source and moves its cursor from `from` to `to` in the same transaction: the cursor
 * is stored only with the rows it covers, so a pull that stops between batches resumes after the last committed one.
 * A rejected batch rolls back whole, cursor included.
 */
export async function commitBatch(
  context: ConnectorContext,
  source: { name: string; kind: ImportKindName },
  batch: { records: unknown[]; from: string | undefined; to: string },
): Promise<ImportResult> {
  const result: ImportResult = await context.db.transaction(async (trx) => {
    if (!(await advanceSourceCursor(trx, source.name, batch.from, batch.to))) {
      throw new ConflictError(`source ${source.name}: another pull of this source committed first; this one stops`);
    }
    if (batch.records.length === 0) return { errors: [] };
    return context.imports.importRecords(source.kind, { format: 'json', body: batch.records, partial: false, trx });
  });
  context.committed(source.kind, batch.records.length, result);
  return result;
}
