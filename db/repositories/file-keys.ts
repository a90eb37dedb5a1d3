import type { Knex } from 'knex';
import { copyRows } from '../bulk';

/**
 * The natural keys of one file imported in batches inside one transaction (the CSV folder connector), so that a key
 * repeated in a later batch is flagged like one repeated within a batch: temporary tables, dropped at commit or
 * rollback, of each key of the file with the row it was first on (kept by the database, not in Node's heap) and of
 * the current batch's keys. Order headers repeat on every line of their order: `header_md5`, a digest of the first
 * one's values, tells a repeat with the same values from a changed one.
 */
export async function createFileKeys(trx: Knex.Transaction): Promise<void> {
  await trx.raw('create temp table file_keys (key text primary key, first_row integer not null, header_md5 text) on commit drop');
  await trx.raw(
    'create temp table file_batch_keys (record integer not null, position integer not null, key text not null, row integer not null, header text) on commit drop',
  );
}

export interface BatchKey {
  /** The batch's record the key belongs to: a record with a key from an earlier batch records none of its keys. */
  record: number;
  /** Which of the record's keys it is. */
  position: number;
  /** The key's table, columns and values as one text no other key has. */
  key: string;
  /** The record's row in the file. */
  row: number;
  /** An order header's values (any text equal for equal values): a repeat with the same values is no duplicate. */
  header?: string;
}

/**
 * One batch of a file (after createFileKeys in its transaction): the batch's keys (each at most once) first seen in
 * an earlier batch, with the row the key was first on, by record and position; an unchanged order header is left
 * out. The new keys of the other records are added to the file's. The select sees the file's keys as before the
 * insert, so a key of this batch never counts as an earlier one.
 */
export async function earlierFileKeys(
  trx: Knex.Transaction,
  keys: Iterable<BatchKey>,
): Promise<Array<{ record: number; position: number; firstRow: number }>> {
  // Created in this transaction, the table is truncated in place: batches do not pile up.
  await trx.raw('truncate file_batch_keys');
  const columns = ['record', 'position', 'key', 'row', 'header'];
  if ((await copyRows(trx, 'file_batch_keys', columns, rowsOf(keys))) === 0) return [];
  // The limit keeps the lookup a probe of the key index per batch key: joined, the planner hashes all the file's keys
  // every batch (seconds over a million-row file).
  const { rows } = await trx.raw(
    `with matched as (
       select b.record, b.position, b.key, b.row, b.header, f.first_row,
              f.first_row is not null and (b.header is null or f.header_md5 is distinct from md5(b.header)) as earlier
         from file_batch_keys b
         left join lateral (select first_row, header_md5 from file_keys where key = b.key limit 1) f on true
     ), recorded as (
       insert into file_keys (key, first_row, header_md5)
       select m.key, m.row, md5(m.header) from matched m
        where m.first_row is null and not exists (select 1 from matched e where e.earlier and e.record = m.record)
     )
     select record, position, first_row from matched where earlier order by record, position`,
  );
  return rows.map((row: { record: number; position: number; first_row: number }) => ({ record: row.record, position: row.position, firstRow: row.first_row }));
}

function* rowsOf(keys: Iterable<BatchKey>) {
  for (const { record, position, key, row, header } of keys) yield [record, position, key, row, header];
}
