import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { type DataFolderLock, lockDataFolder } from './data-folder-lock';

/** A connection or a transaction: every repository takes one, so any call can join a caller's transaction. */
export type Db = Knex | Knex.Transaction;

export type Engine = 'postgres' | 'pglite';

export interface DbOptions {
  /** PostgreSQL connection string; unset means embedded PGlite. */
  databaseUrl?: string;
  /** Folder of the embedded database: PGlite keeps its files in `${dataDir}/pglite`. */
  dataDir: string;
}

const oid = { int8: 20, numeric: 1700, date: 1082, int8Array: 1016, numericArray: 1231, dateArray: 1182 } as const;

/** Parses a one-dimensional array literal of unquoted elements ('{1,2,NULL}'), the form numbers and dates take. */
function arrayOf(element: (text: string) => unknown) {
  return (text: string) => (text === '{}' ? [] : text.slice(1, -1).split(',').map((value) => (value === 'NULL' ? null : element(value))));
}

/**
 * The same text-to-value rules on both engines: bigint and numeric as JavaScript numbers (counts and sums are far
 * below 2^53; money and quantities are read as float8 anyway), and DATE as the plain 'YYYY-MM-DD' string, because a
 * Date object would shift the day by the process time zone.
 */
const parsers: Record<number, (text: string) => unknown> = {
  [oid.int8]: Number,
  [oid.numeric]: Number,
  [oid.date]: (text) => text,
};

/** node-postgres parses arrays separately from their elements; PGlite applies the element parser above. */
const pgParsers: Record<number, (text: string) => unknown> = {
  ...parsers,
  [oid.int8Array]: arrayOf(Number),
  [oid.numericArray]: arrayOf(Number),
  [oid.dateArray]: arrayOf((text) => text),
};

const pgTypes = {
  getTypeParser: (typeId: number, format: string) => pgParsers[typeId] ?? pg.types.getTypeParser(typeId, format as 'text'),
};

export async function createDb(options: DbOptions): Promise<Knex> {
  const db = options.databaseUrl ? connectPostgres(options.databaseUrl) : await openPglite(options.dataDir);
  await db.raw('select 1');
  return db;
}

function connectPostgres(databaseUrl: string): Knex {
  return knex({
    client: 'pg',
    connection: { connectionString: databaseUrl, types: pgTypes },
    pool: { min: 0, max: 10 },
    log: foldedKnexLog(),
  });
}

/**
 * knex warns on the console, with a stack, at every failed connection attempt: while PostgreSQL is away that is a
 * stack per query, amid the JSON logs. Instead: one JSON line (pino's shape) per distinct warning a minute, with how
 * many were folded into it.
 */
function foldedKnexLog(): Knex.Logger {
  const seen = new Map<string, { at: number; folded: number }>();
  const write = (level: number) => (message: unknown) => {
    const warning = String(message).split('\n')[0].slice(0, 300);
    const key = warning.replace(/[\d.:]+/g, '#');
    const now = Date.now();
    const entry = seen.get(key);
    if (entry && now - entry.at < 60_000) {
      entry.folded++;
      return;
    }
    if (seen.size > 100) seen.clear();
    seen.set(key, { at: now, folded: 0 });
    process.stderr.write(`${JSON.stringify({ level, time: now, pid: process.pid, msg: 'database client warning', warning, ...(entry ? { foldedSinceLastLine: entry.folded } : {}) })}\n`);
  };
  return { warn: write(40), error: write(50), deprecate: write(40), debug: () => undefined };
}

/** The lock of each open embedded database, released when it is closed. */
const locks = new WeakMap<Knex, DataFolderLock>();

/** Opens the embedded database of a data folder, locked for this process (DataFolderLockedError when another has it). */
async function openPglite(dataDir: string): Promise<Knex> {
  const folder = path.resolve(dataDir, 'pglite');
  fs.mkdirSync(folder, { recursive: true });
  const lock = await lockDataFolder(folder);
  try {
    // pg_trgm: the trigram indexes of the buyers' search (migration 040).
    const pglite = await PGlite.create(folder, { parsers, extensions: { pg_trgm } });
    // knex-pglite takes a ready instance through a function (knex would deep-clone an object); its types omit that form.
    const connection = (() => ({ pglite })) as unknown as Knex.ConnectionConfigProvider;
    const db = knex({ client: ClientPgLite, connection });
    locks.set(db, lock);
    return db;
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** Records, in the lock of an embedded database, the URL this process serves it at (nothing for PostgreSQL). */
export function announceServer(db: Knex, url: string): void {
  locks.get(db)?.announce(url);
}

/** Which engine a connection (or a transaction on it) talks to. */
export function engineOf(db: Db): Engine {
  return db.client.config.client === 'pg' ? 'postgres' : 'pglite';
}

export async function closeDb(db: Knex): Promise<void> {
  await db.destroy();
  await locks.get(db)?.release();
  locks.delete(db);
}
