import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../src/logger';
import { createConnectorService } from '../../../src/services/connectors';
import type { CsvFolderSource } from '../../../src/services/connectors/sources';
import { createImportService, DEFAULT_MAX_IMPORT_ROWS, type ImportService } from '../../../src/services/import-service';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';
import { seedCatalogue, TODAY } from './setup';

const DAY_MS = 86_400_000;
/** The day `back` days before TODAY, as YYYY-MM-DD. */
const daysAgo = (back: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) - back * DAY_MS).toISOString().slice(0, 10);

/**
 * Writes a daily-sales file of `skus` × 2 locations × `days` rows, quantity = day index mod 7 (line number = row
 * index + 2, after the header), through a stream so that the test itself holds no big string. `replace` gives the
 * text of some lines by line number.
 */
async function writeSalesFile(file: string, skus: string[], days: number, replace: Record<number, string> = {}): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  await write('sku,location,sales_date,quantity\n');
  let line = 1;
  for (const sku of skus) {
    for (const location of ['DC1', 'DC2']) {
      for (let day = 0; day < days; day++) {
        line++;
        await write(`${replace[line] ?? `${sku},${location},${daysAgo(day + 1)},${day % 7}`}\n`);
      }
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

describe.each(testEngines())('CSV folder connector, files larger than one batch, on %s', (engine) => {
  let testDb: TestDb;
  let folder: string;
  let source: CsvFolderSource;
  /** The sizes of the batches the connector handed to the import service, in order. */
  let batchSizes: number[];

  /** The real connector over an import service of `maxRows` rows a batch that notes each batch's size. */
  const pull = (maxRows = DEFAULT_MAX_IMPORT_ROWS) => {
    const real = createImportService({ db: testDb.db, now: () => new Date(`${TODAY}T09:30:00Z`), maxRows });
    const imports: ImportService = {
      maxRows: real.maxRows,
      importRecords: (kind, input) => {
        if ('records' in input) batchSizes.push(input.records.length);
        return real.importRecords(kind, input);
      },
    };
    return createConnectorService({ db: testDb.db, imports, sources: [source], logger: createLogger('silent') }).pull('drop');
  };
  const salesOf = async (skuPrefix: string) =>
    (
      await testDb.db.raw(
        `select count(*)::int as rows, coalesce(sum(ds.quantity), 0)::float8 as quantity
           from daily_sales ds join items i on i.id = ds.item_id where i.sku like ?`,
        [`${skuPrefix}%`],
      )
    ).rows[0];
  const itemsFile = (skus: string[]) => ['sku,description', ...skus.map((sku) => `${sku},Generated`)].join('\n') + '\n';
  const skusNamed = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(3, '0')}`);

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    await seedCatalogue(testDb.db);
  });
  afterAll(() => testDb.drop());
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-csv-large-'));
    source = { name: 'drop', type: 'csv-folder', folder, schedule: '0 1 * * *', settleSeconds: 0 };
    batchSizes = [];
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('imports a 120,000-row daily-sales file in batches of at most 50,000 rows, reporting the summed counts', async () => {
    // 100 SKUs × 2 locations × 600 days = 120,000 rows; quantities cycle 0..6 over the days.
    const skus = skusNamed('BIG', 100);
    fs.writeFileSync(path.join(folder, 'items-big.csv'), itemsFile(skus));
    await writeSalesFile(path.join(folder, 'daily-sales-big.csv'), skus, 600);

    const report = await pull();

    expect(batchSizes).toEqual([100, 50_000, 50_000, 20_000]);
    expect(report.type === 'csv-folder' && report.files.map((file) => [file.file, file.outcome])).toEqual([
      ['items-big.csv', 'imported'],
      ['daily-sales-big.csv', 'imported'],
    ]);
    expect(report.counts.daily_sales).toEqual({ inserted: 120_000, updated: 0, unchanged: 0 });
    const fileReport = JSON.parse(fs.readFileSync(path.join(folder, 'processed', 'daily-sales-big.csv.report.json'), 'utf8'));
    expect(fileReport.counts).toEqual({ daily_sales: { inserted: 120_000, updated: 0, unchanged: 0 } });
    // Per SKU and location: 600 days = 85 weeks of 0+…+6 = 21, plus days 595..599 → 0+1+2+3+4 = 10; 200 × 1795.
    expect(await salesOf('BIG-')).toEqual({ rows: 120_000, quantity: 200 * (85 * 21 + 10) });
    // 120,000 rows into PGlite outlast jest's 60 s default on a loaded machine.
  }, 240_000);

  it('rejects a whole file whose bad rows are in its second and third batches, listing them all by their line in the file', async () => {
    // 5 SKUs × 2 locations × 250 days = 2,500 rows in batches of 1,000; line 1,503 is row 1,502 of the data.
    const skus = skusNamed('MID', 5);
    fs.writeFileSync(path.join(folder, 'items-mid.csv'), itemsFile(skus));
    await pull(1000);
    batchSizes = [];
    await writeSalesFile(path.join(folder, 'daily-sales-mid.csv'), skus, 250, {
      1503: `MID-002,DC9,${daysAgo(3)},1`,
      2204: `NOPE,DC1,${daysAgo(3)},1`,
      2205: `MID-004,DC1,${daysAgo(3)},-1`,
    });

    const report = await pull(1000);

    // The third batch is checked too, after the second was rejected.
    expect(batchSizes).toEqual([1000, 1000, 500]);
    expect(report.type === 'csv-folder' && report.files.map((file) => [file.file, file.outcome, file.message])).toEqual([
      ['daily-sales-mid.csv', 'failed', '3 rows rejected; nothing was imported'],
    ]);
    expect(report.counts).toEqual({});
    const error = JSON.parse(fs.readFileSync(path.join(folder, 'failed', 'daily-sales-mid.csv.error.json'), 'utf8'));
    expect(error).toMatchObject({
      code: 'import_rejected',
      errors: [
        { row: 1503, field: 'location', reason: 'unknown location DC9' },
        { row: 2204, field: 'sku', reason: 'unknown SKU NOPE' },
        { row: 2205, field: 'quantity', reason: 'negative quantity' },
      ],
      moreErrors: 0,
    });
    // The first batch was upserted inside the file's transaction and rolled back with it.
    expect(await salesOf('MID-')).toEqual({ rows: 0, quantity: 0 });
  });

  it('lists the first 1,000 errors of a rejected file and counts the rest', async () => {
    // 3 SKUs nobody knows × 2 locations × 400 days = 2,400 rows, each an unknown SKU, in batches of 1,000.
    await writeSalesFile(path.join(folder, 'daily-sales-unknown.csv'), skusNamed('GHOST', 3), 400);

    const report = await pull(1000);

    expect(batchSizes).toEqual([1000, 1000, 400]);
    expect(report.type === 'csv-folder' && report.files.map((file) => file.message)).toEqual(['2400 rows rejected; nothing was imported']);
    const error = JSON.parse(fs.readFileSync(path.join(folder, 'failed', 'daily-sales-unknown.csv.error.json'), 'utf8'));
    expect(error.errors).toHaveLength(1000);
    expect(error.errors[0]).toEqual({ row: 2, field: 'sku', reason: 'unknown SKU GHOST-000' });
    expect(error.errors[999]).toEqual({ row: 1001, field: 'sku', reason: 'unknown SKU GHOST-001' });
    expect(error.moreErrors).toBe(1400);
  });

  it('flags a key repeated in a later batch of the file like one repeated within a batch', async () => {
    // 2 SKUs × 2 locations × 300 days = 1,200 rows in batches of 500: line 1,102 (third batch) repeats line 3's key,
    // line 402 (first batch) repeats line 2's.
    const skus = skusNamed('DUP', 2);
    fs.writeFileSync(path.join(folder, 'items-dup.csv'), itemsFile(skus));
    await pull(500);
    batchSizes = [];
    await writeSalesFile(path.join(folder, 'daily-sales-dup.csv'), skus, 300, {
      402: `DUP-000,DC1,${daysAgo(1)},9`,
      1102: `DUP-000,DC1,${daysAgo(2)},9`,
    });

    const report = await pull(500);

    expect(batchSizes).toEqual([500, 500, 200]);
    expect(report.type === 'csv-folder' && report.files.map((file) => [file.file, file.outcome])).toEqual([['daily-sales-dup.csv', 'failed']]);
    const error = JSON.parse(fs.readFileSync(path.join(folder, 'failed', 'daily-sales-dup.csv.error.json'), 'utf8'));
    expect(error.errors).toEqual([
      { row: 402, field: 'sales_date', reason: `duplicate key DUP-000 / DC1 / ${daysAgo(1)} in this batch (first on row 2)` },
      { row: 1102, field: 'sales_date', reason: `duplicate key DUP-000 / DC1 / ${daysAgo(2)} in this file (first on row 3)` },
    ]);
    expect(await salesOf('DUP-')).toEqual({ rows: 0, quantity: 0 });
  });

  it('checks each key of a record against the earlier batches, and keeps no key of a record flagged on another', async () => {
    // Two rows a batch. Line 4 repeats line 2's external id with a new SKU: flagged, and its SKU is not the file's;
    // so line 6 may take that SKU, while line 7 repeats line 3's SKU under a new external id.
    const lines = ['ITM-1,KEY-1', 'ITM-2,KEY-2', 'ITM-1,KEY-3', 'ITM-4,KEY-4', 'ITM-5,KEY-3', 'ITM-6,KEY-2'];
    fs.writeFileSync(path.join(folder, 'items-keys.csv'), ['external_id,sku', ...lines].join('\n') + '\n');

    const report = await pull(2);

    expect(batchSizes).toEqual([2, 2, 2]);
    expect(report.type === 'csv-folder' && report.files.map((file) => [file.file, file.outcome])).toEqual([['items-keys.csv', 'failed']]);
    const error = JSON.parse(fs.readFileSync(path.join(folder, 'failed', 'items-keys.csv.error.json'), 'utf8'));
    expect(error.errors).toEqual([
      { row: 4, field: 'external_id', reason: 'duplicate key ITM-1 in this file (first on row 2)' },
      { row: 7, field: 'sku', reason: 'duplicate key KEY-2 in this file (first on row 3)' },
    ]);
  });

  it('names a malformed line deep in the file by its line number and imports nothing from it', async () => {
    const skus = skusNamed('BAD', 2);
    fs.writeFileSync(path.join(folder, 'items-bad.csv'), itemsFile(skus));
    await pull(100);
    await writeSalesFile(path.join(folder, 'daily-sales-bad.csv'), skus, 100, { 250: `BAD-001,DC1,"${daysAgo(5)},1,extra` });

    const report = await pull(100);

    expect(report.type === 'csv-folder' && report.files.map((file) => [file.file, file.outcome])).toEqual([['daily-sales-bad.csv', 'failed']]);
    const error = JSON.parse(fs.readFileSync(path.join(folder, 'failed', 'daily-sales-bad.csv.error.json'), 'utf8'));
    expect(error).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^malformed CSV at line \d+/) });
    expect(await salesOf('BAD-')).toEqual({ rows: 0, quantity: 0 });
  });

  it('keeps the lines of one purchase order in one batch, so each order header counts once', async () => {
    fs.writeFileSync(path.join(folder, 'suppliers.csv'), 'external_id,name\nSUP-1,Acme\n');
    // Five orders of two lines each, three lines a batch: batches [PO-1, PO-1], [PO-2, PO-2], … never split an order.
    const lines = [1, 2, 3, 4, 5].flatMap((order) =>
      [1, 2].map((line) => `PO-${order},SUP-1,DC1,${daysAgo(10)},PO-${order}-${line},${line === 1 ? 'SKU-A' : 'SKU-B'},${order * 10 + line}`),
    );
    fs.writeFileSync(
      path.join(folder, 'purchase-orders.csv'),
      ['external_id,supplier,location,order_date,line_external_id,sku,quantity_ordered', ...lines].join('\n') + '\n',
    );

    const report = await pull(3);

    expect(batchSizes).toEqual([1, 2, 2, 2, 2, 2]);
    expect(report.counts).toMatchObject({
      purchase_orders: { inserted: 5, updated: 0, unchanged: 0 },
      purchase_order_lines: { inserted: 10, updated: 0, unchanged: 0 },
    });
  });

  it('takes an order larger than a batch, whose header repeats in the next batch, but flags an order or line repeated later', async () => {
    fs.writeFileSync(path.join(folder, 'suppliers.csv'), 'external_id,name\nSUP-1,Acme\n');
    const header = 'external_id,supplier,location,order_date,line_external_id,sku,quantity_ordered';
    const line = (order: string, lineId: string, location = 'DC1') => `${order},SUP-1,${location},${daysAgo(10)},${lineId},SKU-A,5`;
    // Three lines a batch: PO-BIG's four lines span two batches, so its header comes twice, the same.
    const big = ['PO-BIG-1', 'PO-BIG-2', 'PO-BIG-3', 'PO-BIG-4'].map((lineId) => line('PO-BIG', lineId));
    fs.writeFileSync(path.join(folder, 'purchase-orders-big.csv'), [header, ...big, line('PO-X', 'PO-X-1')].join('\n') + '\n');

    const report = await pull(3);

    // (suppliers.csv is already imported when the test above ran first.)
    expect(report.type === 'csv-folder' && report.files.find((file) => file.file === 'purchase-orders-big.csv')?.outcome).toBe('imported');
    const lines = await testDb.db.raw(`select count(*)::int as n from purchase_order_lines where external_id like 'PO-BIG-%'`);
    expect(lines.rows[0].n).toBe(4);

    // Lines 2-4 are one batch (PO-Y and PO-Z-1), lines 5-7 the next: PO-Y again with another location, and PO-Z-1 again.
    fs.writeFileSync(
      path.join(folder, 'purchase-orders-again.csv'),
      [header, line('PO-Y', 'PO-Y-1'), line('PO-Z', 'PO-Z-1'), line('PO-Z', 'PO-Z-2'), line('PO-Y', 'PO-Y-2', 'DC2'), line('PO-W', 'PO-Z-1'), line('PO-W', 'PO-W-2')].join('\n') + '\n',
    );
    const again = await pull(3);

    expect(again.type === 'csv-folder' && again.files.map((file) => [file.file, file.outcome])).toEqual([['purchase-orders-again.csv', 'failed']]);
    const error = JSON.parse(fs.readFileSync(path.join(folder, 'failed', 'purchase-orders-again.csv.error.json'), 'utf8'));
    expect(error.errors).toEqual([
      { row: 5, field: 'external_id', reason: 'duplicate key PO-Y in this file (first on row 2)' },
      { row: 6, field: 'line_external_id', reason: 'duplicate key PO-Z-1 in this file (first on row 3)' },
    ]);
  });
});
