import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { closeDb, createDb, type Engine } from '../../db/connection';
import { migrateLatest } from '../../db/migrate';
import { migrations } from '../../db/migrations';

export interface TestDb {
  engine: Engine;
  db: Knex;
  /** Closes the connection and deletes the database. */
  drop(): Promise<void>;
}


export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';
}

/** Changes whenever a migration is added or edited, so that stale templates are rebuilt rather than reused. */
const schemaFingerprint = createHash('sha256')
  .update(migrations.map((migration) => `${migration.name}\n${migration.up.toString()}`).join('\n'))
  .digest('hex')
  .slice(0, 16);

/**
 * One template per schema, named by its fingerprint: checkouts with different migrations (branches, worktrees)
 * testing against one server at once each keep their own instead of rebuilding a shared one in turn.
 */
const TEMPLATE_DATABASE = `replen_template_${schemaFingerprint}`;

export type Availability = { postgres: true } | { postgres: false; reason: string };

/**
 * Whether PostgreSQL answers at the test URL. Synchronous (a child process connects) so that a test file can choose
 * its suites when jest collects them. With REQUIRE_SERVICES=1 an unreachable database throws instead.
 */
export function servicesAvailable(): Availability {
  const script = `const { Client } = require(${JSON.stringify(require.resolve('pg'))});
    const client = new Client({ connectionString: process.env.PROBE_URL, connectionTimeoutMillis: 3000 });
    client.connect().then(() => client.end()).then(() => process.exit(0), (error) => { console.log(error.message); process.exit(1); });`;
  const probe = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, PROBE_URL: testDatabaseUrl(), NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.status === 0) return { postgres: true };
  const reason = `PostgreSQL unreachable at ${testDatabaseUrl()}: ${probe.stdout.trim() || probe.error?.message || 'no answer'}`;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${reason} (REQUIRE_SERVICES=1)`);
  return { postgres: false, reason };
}

/** The engines a test table runs over: PGlite always, PostgreSQL when it answers (else one line says why not). */
export function testEngines(): Engine[] {
  const availability = servicesAvailable();
  if (availability.postgres) return ['pglite', 'postgres'];
  console.warn(`Skipping the PostgreSQL runs: ${availability.reason}`);
  return ['pglite'];
}

export function openTestDb(engine: Engine): Promise<TestDb> {
  return engine === 'postgres' ? postgresTestDb() : pgliteTestDb();
}

function databaseUrl(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Builds the migrated template database once per schema; the fingerprint in its comment marks it complete. */
async function ensureTemplate(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query(
    `select shobj_description(oid, 'pg_database') as fingerprint from pg_database where datname = $1`,
    [TEMPLATE_DATABASE],
  );
  if (rows[0]?.fingerprint === schemaFingerprint) return;
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  const db = await createDb({ databaseUrl: databaseUrl(TEMPLATE_DATABASE), dataDir: os.tmpdir() });
  try {
    await migrateLatest(db);
  } finally {
    await closeDb(db);
  }
  await admin.query(`comment on database ${TEMPLATE_DATABASE} is '${schemaFingerprint}'`);
}

/**
 * A fresh PostgreSQL database for one test file, cloned from the migrated template (a file copy: much faster than
 * migrating). An advisory lock makes concurrent jest workers build the template once and never clone it mid-build.
 */
export async function postgresTestDb(): Promise<TestDb> {
  const name = `replen_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await withAdmin(async (admin) => {
    await admin.query('select pg_advisory_lock(hashtext($1))', [TEMPLATE_DATABASE]);
    try {
      await ensureTemplate(admin);
      await admin.query(`create database ${name} template ${TEMPLATE_DATABASE}`);
    } finally {
      await admin.query('select pg_advisory_unlock(hashtext($1))', [TEMPLATE_DATABASE]);
    }
  });
  const db = await createDb({ databaseUrl: databaseUrl(name), dataDir: os.tmpdir() });
  return {
    engine: 'postgres',
    db,
    drop: async () => {
      await closeDb(db);
      await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/**
 * A fresh file-backed PGlite for one test file, copied from a migrated template folder: a new PGlite runs initdb
 * (about 5 s), a copied folder opens in under a second. Workers racing to build the template each build in their
 * own folder and the first rename wins.
 */
export async function pgliteTestDb(): Promise<TestDb> {
  const template = path.join(os.tmpdir(), `replen-pglite-template-${schemaFingerprint}`);
  if (!fs.existsSync(template)) {
    const building = `${template}.building-${randomUUID()}`;
    const db = await createDb({ dataDir: building });
    try {
      await migrateLatest(db);
    } finally {
      await closeDb(db);
    }
    try {
      fs.renameSync(building, template);
    } catch {
      fs.rmSync(building, { recursive: true, force: true });
    }
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-pglite-test-'));
  fs.cpSync(template, dataDir, { recursive: true });
  const db = await createDb({ dataDir });
  return {
    engine: 'pglite',
    db,
    drop: async () => {
      await closeDb(db);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
