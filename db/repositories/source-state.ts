import type { Knex } from 'knex';
import type { Db } from '../connection';
import type { UpsertCounts } from './imports';

/** The last committed cursor of a source, or undefined before its first committed batch. */
export async function sourceCursor(db: Db, source: string): Promise<string | undefined> {
  const { rows } = await db.raw('select cursor from source_cursors where source = ?', [source]);
  return rows[0]?.cursor;
}

/**
 * Moves a source's cursor from `expected` (undefined: none stored yet) to `next`, inside the caller's transaction.
 * Returns false when the stored cursor is no longer `expected`: another pull of the same source committed first.
 * The upsert takes the row lock, so a concurrent pull waits here and then sees the new cursor.
 */
export async function advanceSourceCursor(trx: Knex.Transaction, source: string, expected: string | undefined, next: string): Promise<boolean> {
  const { rows } = await trx.raw(
    `insert into source_cursors (source, cursor) values (?, ?)
     on conflict (source) do update set cursor = excluded.cursor, updated_at = now()
      where source_cursors.cursor is not distinct from ?::text
     returning 1 as moved`,
    [source, next, expected ?? null],
  );
  return rows.length === 1;
}

export interface ImportedFile {
  importedAt: string;
  report: Record<string, unknown>;
}

/** When a file with this name and content was imported from the source, if it was. */
export async function importedFile(db: Db, source: string, fileName: string, sha256: string): Promise<ImportedFile | undefined> {
  const { rows } = await db.raw(
    `select to_char(imported_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as imported_at, report
       from source_files where source = ? and file_name = ? and sha256 = ?`,
    [source, fileName, sha256],
  );
  return rows[0] && { importedAt: rows[0].imported_at, report: rows[0].report };
}

/** Records an imported file in the transaction of its import; a second record of the same file changes nothing. */
export async function recordImportedFile(
  trx: Knex.Transaction,
  file: { source: string; fileName: string; sha256: string; sizeBytes: number; report: Record<string, unknown> },
): Promise<void> {
  await trx.raw(
    `insert into source_files (source, file_name, sha256, size_bytes, report) values (?, ?, ?, ?, ?::jsonb)
     on conflict (source, file_name, sha256) do nothing`,
    [file.source, file.fileName, file.sha256, file.sizeBytes, JSON.stringify(file.report)],
  );
}

/** What one pull of a source ended with: rows are the records it committed per import kind (a failed pull may have committed some). */
export interface PullRecord {
  source: string;
  at: Date;
  outcome: 'succeeded' | 'failed';
  /** Set when the pull failed. */
  error?: string;
  /** What viewers may see of the error: without the ERP's answer or a database's words. */
  errorSummary?: string;
  rows: Record<string, number>;
  counts: Record<string, UpsertCounts>;
}

/**
 * Records a finished pull: the source's last outcome is replaced (its last success or last error keeps its own time),
 * and the failure count and the rows per kind are added to the running totals.
 */
export async function recordPull(db: Knex, pull: PullRecord): Promise<void> {
  const failed = pull.outcome === 'failed';
  await db.transaction(async (trx) => {
    await trx.raw(
      `insert into source_pulls as p (source, last_pull_at, last_outcome, last_rows, last_counts, last_success_at, last_error, last_error_summary,
                                      last_error_at, failures)
       values (?, ?::timestamptz, ?, ?::jsonb, ?::jsonb, ?::timestamptz, ?, ?, ?::timestamptz, ?)
       on conflict (source) do update set
         last_pull_at = excluded.last_pull_at, last_outcome = excluded.last_outcome,
         last_rows = excluded.last_rows, last_counts = excluded.last_counts,
         last_success_at = coalesce(excluded.last_success_at, p.last_success_at),
         last_error = coalesce(excluded.last_error, p.last_error),
         last_error_summary = case when excluded.last_error is null then p.last_error_summary else excluded.last_error_summary end,
         last_error_at = coalesce(excluded.last_error_at, p.last_error_at),
         failures = p.failures + excluded.failures`,
      [
        pull.source,
        pull.at.toISOString(),
        pull.outcome,
        JSON.stringify(pull.rows),
        JSON.stringify(pull.counts),
        failed ? null : pull.at.toISOString(),
        failed ? (pull.error ?? 'failed') : null,
        failed ? (pull.errorSummary ?? null) : null,
        failed ? pull.at.toISOString() : null,
        failed ? 1 : 0,
      ],
    );
    await trx.raw(
      `insert into source_rows_imported as r (source, kind, row_count)
       select ?, kind, row_count::bigint from jsonb_each_text(?::jsonb) as t(kind, row_count)
       on conflict (source, kind) do update set row_count = r.row_count + excluded.row_count`,
      [pull.source, JSON.stringify(pull.rows)],
    );
  });
}

export interface SourcePullState {
  source: string;
  cursor: { value: string; updatedAt: string } | null;
  lastPull: { at: string; outcome: 'succeeded' | 'failed'; rows: Record<string, number>; counts: Record<string, UpsertCounts> } | null;
  lastSuccessAt: string | null;
  /** summary: what viewers may see of the message (null when recorded before summaries were). */
  lastError: { message: string; summary: string | null; at: string } | null;
  /** Running totals since the source was first pulled. */
  failedPulls: number;
  rowsImported: Record<string, number>;
}

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/** The stored state of each named source, in the order given; a source never pulled has nulls and zeros. */
export async function sourcePullStates(db: Db, sources: string[]): Promise<SourcePullState[]> {
  const { rows } = await db.raw(
    `select s.source, c.cursor, c.updated_at as cursor_updated_at,
            p.last_pull_at, p.last_outcome, p.last_rows, p.last_counts, p.last_success_at, p.last_error, p.last_error_summary, p.last_error_at,
            coalesce(p.failures, 0)::float8 as failures,
            coalesce((select jsonb_object_agg(r.kind, r.row_count) from source_rows_imported r where r.source = s.source), '{}'::jsonb) as rows_imported
       from unnest(?::text[]) with ordinality as s(source, position)
       left join source_cursors c on c.source = s.source
       left join source_pulls p on p.source = s.source
      order by s.position`,
    [sources],
  );
  return rows.map((row: Record<string, unknown>): SourcePullState => ({
    source: row.source as string,
    cursor: row.cursor === null ? null : { value: row.cursor as string, updatedAt: iso(row.cursor_updated_at)! },
    lastPull:
      row.last_pull_at === null
        ? null
        : {
            at: iso(row.last_pull_at)!,
            outcome: row.last_outcome as 'succeeded' | 'failed',
            rows: row.last_rows as Record<string, number>,
            counts: row.last_counts as Record<string, UpsertCounts>,
          },
    lastSuccessAt: iso(row.last_success_at),
    lastError:
      row.last_error === null
        ? null
        : { message: row.last_error as string, summary: (row.last_error_summary as string | null) ?? null, at: iso(row.last_error_at)! },
    failedPulls: Number(row.failures),
    rowsImported: Object.fromEntries(Object.entries(row.rows_imported as Record<string, string | number>).map(([kind, count]) => [kind, Number(count)])),
  }));
}
