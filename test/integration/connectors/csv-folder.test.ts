import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processors } from '../../../jobs/processors';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import { kindOfFile } from '../../../src/services/connectors/csv-folder';
import type { CsvFolderSource } from '../../../src/services/connectors/sources';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';
import { connectorsFor, dailySales, seedCatalogue } from './setup';

const salesCsv = (rows: string[]) => ['sku,location,sales_date,quantity', ...rows].join('\n') + '\n';

describe.each(testEngines())('CSV folder connector on %s', (engine) => {
  let testDb: TestDb;
  let folder: string;
  let source: CsvFolderSource;
  const drop = (name: string, content: string) => fs.writeFileSync(path.join(folder, name), content);
  const listing = (sub = '') => fs.readdirSync(path.join(folder, sub)).filter((name) => name !== 'processed' && name !== 'failed').sort();
  const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
  const pull = () => connectorsFor(testDb.db, [source]).pull('drop');

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    await seedCatalogue(testDb.db);
  });
  afterAll(() => testDb.drop());
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-csv-source-'));
    source = { name: 'drop', type: 'csv-folder', folder, schedule: '0 1 * * *', settleSeconds: 0 };
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('imports new files (items before the sales that need them), moves each to processed/ with a report of its counts', async () => {
    drop('daily-sales-2026-11-26.csv', salesCsv(['NEW-SKU,DC1,2026-11-26,4', 'SKU-A,DC1,2026-11-26,7']));
    drop('items-new.csv', 'sku,description\nNEW-SKU,Bolt\n');
    drop('notes.txt', 'not a CSV file: left alone');

    const report = await pull();

    expect(report).toMatchObject({
      type: 'csv-folder',
      files: [
        { file: 'items-new.csv', outcome: 'imported', kind: 'items', movedTo: path.join('processed', 'items-new.csv') },
        { file: 'daily-sales-2026-11-26.csv', outcome: 'imported', kind: 'daily-sales' },
      ],
      counts: { items: { inserted: 1, updated: 0, unchanged: 0 }, daily_sales: { inserted: 2, updated: 0, unchanged: 0 } },
    });
    expect(listing()).toEqual(['notes.txt']);
    expect(listing('processed')).toEqual([
      'daily-sales-2026-11-26.csv',
      'daily-sales-2026-11-26.csv.report.json',
      'items-new.csv',
      'items-new.csv.report.json',
    ]);
    expect(readJson('processed/daily-sales-2026-11-26.csv.report.json')).toMatchObject({
      kind: 'daily-sales',
      counts: { daily_sales: { inserted: 2, updated: 0, unchanged: 0 } },
    });
    expect(await dailySales(testDb.db)).toMatchObject({ 'NEW-SKU/DC1/2026-11-26': 4, 'SKU-A/DC1/2026-11-26': 7 });
  });

  it('does not import the same file twice, imports it again once changed, and an empty folder changes nothing', async () => {
    const first = salesCsv(['SKU-B,DC1,2026-11-20,5']);
    drop('daily-sales-b.csv', first);
    await pull();
    // A row changed in replen after the import: re-importing the same file would put 5 back.
    await testDb.db.raw(`update daily_sales set quantity = 99 where sales_date = '2026-11-20'`);

    drop('daily-sales-b.csv', first);
    const again = await pull();
    expect(again.type === 'csv-folder' && again.files).toEqual([
      { file: 'daily-sales-b.csv', outcome: 'already-imported', kind: 'daily-sales', movedTo: expect.stringMatching(/^processed\/daily-sales-b\.[0-9a-f]{12}\.csv$/) },
    ]);
    expect(again.counts).toEqual({});
    expect((await dailySales(testDb.db))['SKU-B/DC1/2026-11-20']).toBe(99);
    const repeatReport = readJson(`${(again as { files: Array<{ movedTo: string }> }).files[0].movedTo}.report.json`);
    expect(repeatReport).toMatchObject({
      alreadyImportedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      firstReport: { kind: 'daily-sales', counts: { daily_sales: { inserted: 1, updated: 0, unchanged: 0 } } },
    });

    drop('daily-sales-b.csv', salesCsv(['SKU-B,DC1,2026-11-20,6', 'SKU-B,DC1,2026-11-21,1']));
    const changed = await pull();
    expect(changed.counts).toEqual({ daily_sales: { inserted: 1, updated: 1, unchanged: 0 } });
    expect(await dailySales(testDb.db)).toMatchObject({ 'SKU-B/DC1/2026-11-20': 6, 'SKU-B/DC1/2026-11-21': 1 });

    const before = await dailySales(testDb.db);
    const empty = await pull();
    expect(empty).toMatchObject({ files: [], waiting: [], counts: {} });
    expect(await dailySales(testDb.db)).toEqual(before);
  });

  it('moves an unparseable file to failed/ with its error and imports nothing from it', async () => {
    drop('daily-sales-broken.csv', 'sku,location,sales_date,quantity\nSKU-C,DC1,2026-11-22,"3\nSKU-C,DC1,2026-11-23,4\n');
    const report = await pull();
    expect(report.type === 'csv-folder' && report.files).toEqual([
      expect.objectContaining({ file: 'daily-sales-broken.csv', outcome: 'failed', movedTo: path.join('failed', 'daily-sales-broken.csv') }),
    ]);
    expect(listing()).toEqual([]);
    expect(listing('failed')).toEqual(['daily-sales-broken.csv', 'daily-sales-broken.csv.error.json']);
    expect(readJson('failed/daily-sales-broken.csv.error.json')).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('malformed CSV at line') });
    expect(Object.keys(await dailySales(testDb.db)).filter((key) => key.startsWith('SKU-C'))).toEqual([]);
  });

  it('moves a file with rejected rows to failed/ listing row, field and reason, and applies none of its rows', async () => {
    drop('daily-sales-rejected.csv', salesCsv(['SKU-C,DC1,2026-11-24,3', 'NOPE,DC1,2026-11-24,1', 'SKU-C,DC9,2026-11-24,2']));
    drop('stock.csv', 'sku,location,snapshot_date,quantity\nSKU-C,DC1,2026-11-24,3\n');
    const report = await pull();
    expect(report.type === 'csv-folder' && report.files.map((file) => [file.file, file.outcome])).toEqual([
      ['stock.csv', 'failed'],
      ['daily-sales-rejected.csv', 'failed'],
    ]);
    expect(readJson('failed/daily-sales-rejected.csv.error.json')).toMatchObject({
      code: 'import_rejected',
      errors: [
        { row: 3, field: 'sku', reason: 'unknown SKU NOPE' },
        { row: 4, field: 'location', reason: 'unknown location DC9' },
      ],
    });
    expect(readJson('failed/stock.csv.error.json').message).toMatch(/^no import kind/);
    expect(Object.keys(await dailySales(testDb.db)).filter((key) => key.startsWith('SKU-C'))).toEqual([]);
  });

  it('runs as the pull-source job on services built from SOURCES_FILE', async () => {
    const sourcesFile = path.join(folder, 'sources.json');
    fs.writeFileSync(sourcesFile, JSON.stringify([{ name: 'drop', type: 'csv-folder', folder: '.', settleSeconds: 0, schedule: '15 1 * * *' }]));
    const config = loadConfig({ SOURCES_FILE: sourcesFile });
    const services = createServices({ db: testDb.db, config, logger: createLogger('silent'), dispatcher: { dispatchRun: async () => {} } });
    expect(services.connectors.sources()).toEqual([{ name: 'drop', type: 'csv-folder', schedule: '15 1 * * *' }]);
    drop('daily-sales-job.csv', salesCsv(['SKU-C,DC2,2026-11-19,2']));
    const report = await processors['pull-source']({ source: 'drop' }, services);
    expect(report.counts).toEqual({ daily_sales: { inserted: 1, updated: 0, unchanged: 0 } });
    expect((await dailySales(testDb.db))['SKU-C/DC2/2026-11-19']).toBe(2);
    await expect(processors['pull-source']({ source: 'nope' }, services)).rejects.toThrow('source nope not found');
  });

  it('leaves a file that is still being written (modified within settleSeconds) for the next pull', async () => {
    source = { ...source, settleSeconds: 600 };
    drop('daily-sales-busy.csv', salesCsv(['SKU-C,DC2,2026-11-25,1']));
    const report = await pull();
    expect(report).toMatchObject({ files: [], waiting: ['daily-sales-busy.csv'] });
    expect(listing()).toEqual(['daily-sales-busy.csv']);
  });
});

describe('kindOfFile', () => {
  it('takes the longest kind a file name starts with', () => {
    expect(kindOfFile('supplier-items-2026.csv')).toBe('supplier-items');
    expect(kindOfFile('Suppliers.CSV')).toBe('suppliers');
    expect(kindOfFile('sales-orders-1.csv')).toBe('sales-orders');
    expect(kindOfFile('stock.csv')).toBeUndefined();
  });
});
