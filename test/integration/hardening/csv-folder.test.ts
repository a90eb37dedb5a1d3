import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CsvFolderSource } from '../../../src/services/connectors/sources';
import { openTestDb, type TestDb, testEngines } from '../../helpers/database';
import { connectorsFor, dailySales, seedCatalogue } from '../connectors/setup';

const salesCsv = (...rows: string[]) => ['sku,location,sales_date,quantity', ...rows].join('\n') + '\n';

/** Items 3 and 5 of issue 15 for files: whatever keeps a file from being imported, it goes to failed/ with its error. */
describe.each(testEngines())('CSV files that cannot be imported, on %s', (engine) => {
  let testDb: TestDb;
  let folder: string;
  let source: CsvFolderSource;
  const drop = (name: string, content: string | Buffer) => fs.writeFileSync(path.join(folder, name), content);
  const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
  const waiting = () => fs.readdirSync(folder).filter((name) => name.endsWith('.csv'));

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    await seedCatalogue(testDb.db);
    // A rule of this database that import validation does not know: the database itself refuses such a row.
    await testDb.db.raw(`alter table daily_sales add constraint refuses_4242 check (quantity <> 4242)`);
  });
  afterAll(() => testDb.drop());
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-hardening-csv-'));
    source = { name: 'drop', type: 'csv-folder', folder, schedule: '0 1 * * *', settleSeconds: 0 };
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('3. moves a file with a year-0000 date, and one the database refuses, to failed/ with their errors; the files after them are imported', async () => {
    drop('daily-sales-1.csv', salesCsv('SKU-A,DC1,2026-11-20,1', 'SKU-A,DC1,0000-01-01,2'));
    drop('daily-sales-2.csv', salesCsv('SKU-A,DC1,2026-11-21,4242'));
    drop('daily-sales-3.csv', salesCsv('SKU-B,DC1,2026-11-21,3'));

    const report = await connectorsFor(testDb.db, [source]).pull('drop');

    expect(report.type === 'csv-folder' && report.files.map(({ file, outcome }) => [file, outcome])).toEqual([
      ['daily-sales-1.csv', 'failed'],
      ['daily-sales-2.csv', 'failed'],
      ['daily-sales-3.csv', 'imported'],
    ]);
    expect(readJson('failed/daily-sales-1.csv.error.json')).toMatchObject({
      code: 'import_rejected',
      errors: [{ row: 3, field: 'sales_date', reason: 'there is no year 0000: dates start at 0001-01-01' }],
    });
    expect(readJson('failed/daily-sales-2.csv.error.json')).toMatchObject({
      code: 'import_failed',
      message: 'the file could not be imported: new row for relation "daily_sales" violates check constraint "refuses_4242" (SQLSTATE 23514)',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(waiting()).toEqual([]);
    expect(await dailySales(testDb.db)).toEqual({ 'SKU-B/DC1/2026-11-21': 3 });
  });

  it('3. leaves the file where it is and fails the pull when the database does not answer', async () => {
    const gone = await openTestDb(engine);
    await gone.drop();
    drop('daily-sales-4.csv', salesCsv('SKU-C,DC1,2026-11-21,1'));
    await expect(connectorsFor(gone.db, [source]).pull('drop')).rejects.toThrow();
    expect(waiting()).toEqual(['daily-sales-4.csv']);
    expect(fs.existsSync(path.join(folder, 'failed'))).toBe(false);
  });

  it('5. moves a file with bytes that are not UTF-8, or a column named twice, to failed/ naming the row and field', async () => {
    drop('items-latin1.csv', Buffer.concat([Buffer.from('sku,description\nNEW-1,ok\nNEW-2,Gr'), Buffer.from([0xfc]), Buffer.from('n\n')]));
    drop('daily-sales-twice.csv', 'sku,location,sales_date,quantity,sku\nSKU-A,DC1,2026-11-20,1,SKU-B\n');

    await connectorsFor(testDb.db, [source]).pull('drop');

    expect(readJson('failed/items-latin1.csv.error.json')).toMatchObject({
      code: 'validation_failed',
      message: 'CSV is not valid text at line 3, column description',
      errors: [{ row: 3, field: 'description', reason: expect.stringMatching(/^bytes that are not valid text/) }],
    });
    expect(readJson('failed/daily-sales-twice.csv.error.json')).toMatchObject({
      code: 'validation_failed',
      errors: [{ row: 1, field: 'sku', reason: 'column named twice in the header' }],
    });
    expect((await testDb.db.raw(`select count(*)::int as n from items where sku like 'NEW-%'`)).rows[0].n).toBe(0);
  });
});
