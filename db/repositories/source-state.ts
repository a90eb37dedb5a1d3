import type { Knex } from 'knex';
import type { Db } from '../connection';

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
