import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Knex } from 'knex';
import { type Db, engineOf } from './connection';

export type CopyValue = string | number | boolean | Date | null | undefined | object;
/** Rows in memory, or a stream of them (a generator) so that a large load never holds them all. */
export type CopyRows = Iterable<readonly CopyValue[]> | AsyncIterable<readonly CopyValue[]>;

/** Rows per piece of COPY text: about 100 kB, big enough that stream overhead is noise. */
const ROWS_PER_CHUNK = 5000;
const SPECIAL_CHARACTERS = /[\\\t\n\r]/;

/** One value in COPY text format: \N for null, backslash escapes for the characters that delimit rows and fields. */
function encodeValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`copyRows: non-finite number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  if (!SPECIAL_CHARACTERS.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (character) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[character]!);
}

function encodeRow(row: readonly CopyValue[]): string {
  let line = encodeValue(row[0]);
  for (let index = 1; index < row.length; index++) line += '\t' + encodeValue(row[index]);
  return line + '\n';
}

/** COPY text in pieces of ROWS_PER_CHUNK rows; `counter.rows` counts the rows read so far. */
async function* textChunks(rows: CopyRows, counter: { rows: number }): AsyncGenerator<string> {
  let chunk = '';
  let inChunk = 0;
  for await (const row of rows) {
    chunk += encodeRow(row);
    counter.rows++;
    if (++inChunk === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      inChunk = 0;
    }
  }
  if (chunk) yield chunk;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

export interface CopyOptions {
  /**
   * COPY … WITH (FREEZE): rows are written already frozen, so the first reads do not rewrite every page to set
   * hint bits. PostgreSQL allows it only when the table was created or truncated in the current transaction.
   */
  freeze?: boolean;
}

/**
 * Bulk-loads rows (arrays in `columns` order) with COPY text: COPY FROM STDIN through pg-copy-streams on
 * PostgreSQL, streamed as it is encoded; COPY FROM '/dev/blob' on PGlite, which takes the whole text at once (the
 * embedded database is for small catalogues). Runs on the caller's transaction when
 * `db` is one. Returns the number of rows.
 */
export async function copyRows(db: Db, table: string, columns: readonly string[], rows: CopyRows, options: CopyOptions = {}): Promise<number> {
  if (Array.isArray(rows) && rows.length === 0) return 0;
  const sql = `copy ${quote(table)} (${columns.map(quote).join(', ')}) from ${engineOf(db) === 'pglite' ? `'/dev/blob'` : 'stdin'}${options.freeze ? ' with (freeze)' : ''}`;
  const counter = { rows: 0 };
  const connection: unknown = await db.client.acquireConnection();
  try {
    if (engineOf(db) === 'pglite') {
      const chunks: string[] = [];
      for await (const chunk of textChunks(rows, counter)) chunks.push(chunk);
      if (counter.rows > 0) await (connection as PGlite).query(sql, [], { blob: new Blob(chunks) });
    } else {
      await pipeline(Readable.from(textChunks(rows, counter)), (connection as PoolClient).query(copyFrom(sql)));
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
  return counter.rows;
}

interface SavedDefinition {
  table: string;
  name: string;
  definition: string;
}

/**
 * Runs `load` with the plain indexes, primary and unique keys and foreign keys of `tables` dropped (keeping keys
 * that other tables' foreign keys depend on), then re-creates them from their saved definitions, so each is built
 * or checked in one pass instead of row by row ("Populating a Database", PostgreSQL manual 14.4). Tables may then
 * be loaded in any order: foreign keys are checked once everything is in. Must run inside a transaction so that a
 * failure restores them.
 */
export async function withKeysSuspended<T>(trx: Knex.Transaction, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  const constraints: SavedDefinition[] = [];
  const indexes: SavedDefinition[] = [];
  for (const table of tables) {
    const own: SavedDefinition[] = (
      await trx.raw(
        `select ? as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
           from pg_constraint c
          where c.conrelid = ?::regclass and c.contype in ('p', 'u', 'f')
            and not exists (select 1 from pg_constraint d where d.contype = 'f' and d.confrelid = c.conrelid and d.conindid = c.conindid)
          order by c.contype = 'f', c.conname`,
        [table, table],
      )
    ).rows;
    const ownIndexes: SavedDefinition[] = (
      await trx.raw(
        `select ? as table, i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
           from pg_index i
          where i.indrelid = ?::regclass
            and not exists (select 1 from pg_constraint c where c.conrelid = i.indrelid and c.conindid = i.indexrelid)`,
        [table, table],
      )
    ).rows;
    for (const { name } of ownIndexes) await trx.raw('drop index ??', [name]);
    for (const { name } of own) await trx.raw('alter table ?? drop constraint ??', [table, name]);
    constraints.push(...own);
    indexes.push(...ownIndexes);
  }
  const result = await load();
  // Sorting a large table's keys in memory rather than in temporary files roughly halves the index builds.
  if (engineOf(trx) === 'postgres') await trx.raw(`set local maintenance_work_mem = '512MB'`);
  const isForeignKey = (definition: string) => definition.startsWith('FOREIGN KEY');
  const ordered = [...constraints.filter((c) => !isForeignKey(c.definition)), ...constraints.filter((c) => isForeignKey(c.definition))];
  for (const { table, name, definition } of ordered) await trx.raw(`alter table ?? add constraint ?? ${definition}`, [table, name]);
  for (const { definition } of indexes) await trx.raw(definition);
  return result;
}

/** copyRows into an empty table with its keys and indexes suspended (withKeysSuspended). Must run inside a transaction. */
export async function copyRowsIntoEmptyTable(
  trx: Knex.Transaction,
  table: string,
  columns: readonly string[],
  rows: CopyRows,
): Promise<number> {
  return withKeysSuspended(trx, [table], () => copyRows(trx, table, columns, rows));
}
