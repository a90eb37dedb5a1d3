/**
 * `replen pull` run as a real subprocess against a PostgreSQL test database and a CSV folder source: exit codes,
 * the JSON report on stdout, and a second run that changes nothing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openTestDb, servicesAvailable, type TestDb } from '../../helpers/database';
import { dailySales, seedCatalogue } from './setup';

const root = path.resolve(__dirname, '../../..');
const available = servicesAvailable();
const describeWithPostgres = available.postgres ? describe : describe.skip;

describeWithPostgres('replen pull', () => {
  let testDb: TestDb;
  let folder: string;
  let env: NodeJS.ProcessEnv;

  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((done) => {
      execFile('npx', ['tsx', 'src/cli/index.ts', 'pull', ...args], { cwd: root, env }, (error, stdout, stderr) => {
        done({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });

  let closedPort: number;

  beforeAll(async () => {
    // A port nothing listens on: the HTTP source's connection is refused.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    testDb = await openTestDb('postgres');
    await seedCatalogue(testDb.db);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-cli-pull-'));
    fs.mkdirSync(path.join(folder, 'inbox'));
    fs.writeFileSync(
      path.join(folder, 'sources.json'),
      JSON.stringify([
        { name: 'drop', type: 'csv-folder', folder: 'inbox', settleSeconds: 0 },
        { name: 'erp', type: 'http', url: `http://127.0.0.1:${closedPort}/never`, kind: 'items' },
      ]),
    );
    const connection = testDb.db.client.config.connection as { connectionString: string };
    env = { ...process.env, DATABASE_URL: connection.connectionString, SOURCES_FILE: path.join(folder, 'sources.json'), NODE_OPTIONS: '' };
  });
  afterAll(async () => {
    await testDb.drop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('pulls one source by name, prints its report, and a second run imports nothing', async () => {
    fs.writeFileSync(path.join(folder, 'inbox', 'daily-sales-1.csv'), 'sku,location,sales_date,quantity\nSKU-A,DC1,2026-11-20,3\n');
    const first = await run(['--source', 'drop']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(first.stdout)).toMatchObject({ source: 'drop', files: [{ file: 'daily-sales-1.csv', outcome: 'imported' }], counts: { daily_sales: { inserted: 1 } } });
    expect(await dailySales(testDb.db)).toEqual({ 'SKU-A/DC1/2026-11-20': 3 });

    const second = await run(['--source', 'drop']);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(second.stdout)).toMatchObject({ files: [], counts: {} });
  });

  it('exits 1 naming the source when a source fails or a file goes to failed/, and 2 for an unknown source', async () => {
    fs.writeFileSync(path.join(folder, 'inbox', 'daily-sales-2.csv'), 'sku,location,sales_date,quantity\nNOPE,DC1,2026-11-20,3\n');
    const all = await run([]);
    expect(all.code).toBe(1);
    expect(JSON.parse(all.stdout.split('\n')[0])).toMatchObject({ source: 'drop', files: [{ file: 'daily-sales-2.csv', outcome: 'failed' }] });
    expect(all.stderr).toBe(`replen pull: source erp: GET http://127.0.0.1:${closedPort}/never?limit=1000 failed: ECONNREFUSED\n`);

    const unknown = await run(['--source', 'nope']);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: 'replen pull: unknown source nope (sources: drop, erp)\n' });
  });
});
