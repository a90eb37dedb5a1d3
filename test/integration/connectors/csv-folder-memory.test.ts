/**
 * A million-row CSV file pulled by `replen pull` in a subprocess whose Node heap is capped at 160 MB: the file is
 * streamed in batches and one batch is held at a time (the file's keys, for the duplicate check across batches, are
 * in the database), so it fits.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestDb, servicesAvailable, type TestDb } from '../../helpers/database';
import { seedCatalogue } from './setup';

const root = path.resolve(__dirname, '../../..');
const describeWithPostgres = servicesAvailable().postgres ? describe : describe.skip;

const SKUS = 500;
const DAYS = 1000;
const DAY_MS = 86_400_000;

describeWithPostgres('a million-row CSV file under a 160 MB heap', () => {
  let testDb: TestDb;
  let folder: string;

  beforeAll(async () => {
    testDb = await openTestDb('postgres');
    await seedCatalogue(testDb.db);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-csv-memory-'));
  });
  afterAll(async () => {
    await testDb.drop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('is imported whole by replen pull', async () => {
    const skus = Array.from({ length: SKUS }, (_, index) => `MEM-${String(index).padStart(4, '0')}`);
    await testDb.db.raw(`insert into items (external_id, sku, unit_of_measure) select sku, sku, 'EA' from unnest(?::text[]) as t(sku)`, [skus]);
    // 500 SKUs × 2 locations × 1,000 past days, written through a stream: the test holds no big string either.
    const dates = Array.from({ length: DAYS }, (_, day) => new Date(Date.now() - (day + 1) * DAY_MS).toISOString().slice(0, 10));
    const inbox = path.join(folder, 'inbox');
    fs.mkdirSync(inbox);
    const out = fs.createWriteStream(path.join(inbox, 'daily-sales-million.csv'));
    const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
    await write('sku,location,sales_date,quantity\n');
    for (const sku of skus) for (const location of ['DC1', 'DC2']) for (const [day, date] of dates.entries()) await write(`${sku},${location},${date},${day % 7}\n`);
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    fs.writeFileSync(path.join(folder, 'sources.json'), JSON.stringify([{ name: 'drop', type: 'csv-folder', folder: 'inbox', settleSeconds: 0 }]));

    const connection = testDb.db.client.config.connection as { connectionString: string };
    const env = {
      ...process.env,
      DATABASE_URL: connection.connectionString,
      SOURCES_FILE: path.join(folder, 'sources.json'),
      NODE_OPTIONS: '--max-old-space-size=160',
    };
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile('npx', ['tsx', 'src/cli/index.ts', 'pull', '--source', 'drop'], { cwd: root, env, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
        done({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({
      files: [{ file: 'daily-sales-million.csv', outcome: 'imported' }],
      counts: { daily_sales: { inserted: 1_000_000, updated: 0, unchanged: 0 } },
    });
    const { rows } = await testDb.db.raw(`select count(*)::int as n from daily_sales ds join items i on i.id = ds.item_id where i.sku like 'MEM-%'`);
    expect(rows[0].n).toBe(1_000_000);
  }, 600_000);
});
