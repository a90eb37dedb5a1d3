import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Knex } from 'knex';
import { type Db, engineOf } from './connection';

export type CopyValue = string | number | boolean | Date | null | undefined | object;

const ROWS_PER_CHUNK = 5000;

/** One value in COPY text format: \N for null, backslash escapes for the characters that delimit rows and fields. */
function encodeValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`copyRows: non-finite number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/[\\\t\n\r]/g, (character) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[character]!);
}

function* textChunks(rows: readonly CopyValue[][]): Generator<string> {
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    let chunk = '';
    for (const row of rows.slice(start, start + ROWS_PER_CHUNK)) chunk += row.map(encodeValue).join('\t') + '\n';
    yield chunk;
  }
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Bulk-loads rows (arrays in `columns` order) with COPY: COPY FROM STDIN through pg-copy-streams on PostgreSQL,
 * COPY FROM '/dev/blob' on PGlite. Runs on the caller's transaction when `db` is one. Returns the number of rows.
 */
export async function copyRows(db: Db, table: string, columns: readonly string[], rows: readonly CopyValue[][]): Promise<number> {
  if (rows.length === 0) return 0;
  const target = `${quote(table)} (${columns.map(quote).join(', ')})`;
  const connection: unknown = await db.client.acquireConnection();
  try {
    if (engineOf(db) === 'pglite') {
      await (connection as PGlite).query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob([...textChunks(rows)]) });
    } else {
      await pipeline(Readable.from(textChunks(rows)), (connection as PoolClient).query(copyFrom(`copy ${target} from stdin`)));
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
  return rows.length;
}

/**
 * Loads rows into an empty table faster: drops the table's plain indexes, primary and unique keys and foreign keys
 * (keeping keys that other tables' foreign keys depend on), copies, then re-creates them from their saved
 * definitions, so each is built or checked in one pass instead of row by row ("Populating a Database", PostgreSQL
 * manual 14.4). Must run inside a transaction so that a failure restores them.
 */
export async function copyRowsIntoEmptyTable(
  trx: Knex.Transaction,
  table: string,
  columns: readonly string[],
  rows: readonly CopyValue[][],
): Promise<number> {
  const constraints: Array<{ name: string; definition: string }> = (
    await trx.raw(
      `select c.conname as name, pg_get_constraintdef(c.oid) as definition
         from pg_constraint c
        where c.conrelid = ?::regclass and c.contype in ('p', 'u', 'f')
          and not exists (select 1 from pg_constraint d where d.contype = 'f' and d.confrelid = c.conrelid and d.conindid = c.conindid)
        order by c.contype = 'f', c.conname`,
      [table],
    )
  ).rows;
  const indexes: Array<{ name: string; definition: string }> = (
    await trx.raw(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
         from pg_index i
        where i.indrelid = ?::regclass
          and not exists (select 1 from pg_constraint c where c.conrelid = i.indrelid and c.conindid = i.indexrelid)`,
      [table],
    )
  ).rows;
  for (const { name } of indexes) await trx.raw('drop index ??', [name]);
  for (const { name } of constraints) await trx.raw('alter table ?? drop constraint ??', [table, name]);
  const count = await copyRows(trx, table, columns, rows);
  for (const { name, definition } of constraints) await trx.raw(`alter table ?? add constraint ?? ${definition}`, [table, name]);
  for (const { definition } of indexes) await trx.raw(definition);
  return count;
}
