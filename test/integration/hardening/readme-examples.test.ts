import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { seedDemoData } from '../../../db/seeds/demo';
import { openTestApp, type TestApp } from '../../helpers/catalogue';
import { testEngines } from '../../helpers/database';

const root = path.resolve(__dirname, '../../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The import examples of the README's "Importing from the ERP", as written there. */
function importExamples() {
  const section = readme.slice(readme.indexOf('## Importing from the ERP'), readme.indexOf('## Pulling from the ERP'));
  const json = /-X POST "\$REPLEN\/imports\/daily-sales"[^\n]*\\\n\s*-d '([^']+)'/.exec(section);
  const csv = /-X POST "\$REPLEN\/imports\/purchase-orders"[^\n]*\\\n\s*--data-binary @(\S+)/.exec(section);
  if (!json || !csv) throw new Error('the README no longer has its two import examples');
  return { dailySales: JSON.parse(json[1]) as unknown[], purchaseOrdersFile: path.join(root, csv[1]) };
}

/** The README's import examples run on the demo data `npm start` loads (issue 15: both failed on unknown codes). */
describe.each(testEngines())("the README's import examples on the demo data, on %s", (engine) => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await openTestApp(engine);
    // npm start seeds up to today; 150 SKUs reach the SKUs the examples name.
    await seedDemoData(testApp.db, { endDate: new Date().toISOString().slice(0, 10), skuCount: 150 });
  }, 120_000);
  afterAll(() => testApp.testDb.drop());

  it('imports the daily sales and the purchase-order CSV as written', async () => {
    const { dailySales, purchaseOrdersFile } = importExamples();
    const erp = `Bearer ${testApp.keys.erp}`;
    const sales = await request(testApp.app).post('/imports/daily-sales').set('Authorization', erp).send(dailySales).expect(200);
    expect(sales.body.errors).toEqual([]);
    expect(sales.body.daily_sales.inserted + sales.body.daily_sales.updated).toBe(2);

    const orders = await request(testApp.app)
      .post('/imports/purchase-orders')
      .set('Authorization', erp)
      .set('Content-Type', 'text/csv')
      .send(fs.readFileSync(purchaseOrdersFile, 'utf8'))
      .expect(200);
    expect(orders.body).toMatchObject({ purchase_orders: { inserted: 1 }, purchase_order_lines: { inserted: 2 }, errors: [] });
  });
});
