import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Server } from 'node:http';
import request from 'supertest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../src/http/app';
import { createLogger } from '../../src/logger';
import * as format from '../../src/web/client/format';
import type { Services } from '../../src/services';
import type { TestDb } from '../helpers/database';
import { openInProcessPipeline } from '../helpers/pipeline';
import { browserAvailable, chromiumPath, eventually } from './browser';

/**
 * The buyers' page in a real browser (Debian's chromium, headless) against the real app on PGlite: the small demo
 * catalogue, one completed pipeline run, and a buyer and a viewer key. Each test checks what the page shows
 * against what the API answers, and each decision made on the page against the API afterwards.
 */

interface Row {
  id: number;
  sku: string;
  supplierId: number | null;
  supplierName: string | null;
  locationId: number;
  locationCode: string;
  status: string;
  urgency: string;
  quantity: number;
}

const describeWithBrowser = browserAvailable() ? describe : describe.skip;

describeWithBrowser('the buyers’ page in chromium', () => {
  let testDb: TestDb;
  let services: Services;
  let closePipeline: () => Promise<void>;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;
  const keys = { buyer: '', viewer: '', otherBuyer: '' };
  /** Errors the page logged (a CSP violation shows here): none may occur. The browser's own line for a 4xx answer is not one. */
  const pageErrors: string[] = [];

  const api = (method: 'get' | 'patch' | 'post', path: string, key = keys.buyer) => request(server)[method](path).set('Authorization', `Bearer ${key}`);
  const listRows = async (query: Record<string, string | number> = {}): Promise<Row[]> =>
    (await api('get', '/recommendations').query({ limit: 200, status: 'proposed', ...query }).expect(200)).body.data;

  beforeAll(async () => {
    const pipeline = await openInProcessPipeline();
    ({ testDb, services } = pipeline);
    closePipeline = pipeline.close;
    await services.pipeline.startRun('test');
    await pipeline.runner.idle();
    keys.buyer = (await services.apiKeys.create({ name: 'alice', role: 'buyer' })).key;
    keys.otherBuyer = (await services.apiKeys.create({ name: 'bob', role: 'buyer' })).key;
    keys.viewer = (await services.apiKeys.create({ name: 'victor', role: 'viewer' })).key;
    server = createApp({ services, logger: createLogger('silent') }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await closePipeline?.();
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function signedIn(key: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(baseUrl);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#recommendations tbody tr[data-id]').first().waitFor();
    return { context, page };
  }

  const rowIds = async (page: Page) => (await page.locator('#recommendations tbody tr[data-id]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-id')))));
  const statusText = (page: Page) => page.getByRole('status');

  it('loads over plain HTTP at a LAN address (no upgrade of its script to https)', async () => {
    const lanAddress = Object.values(os.networkInterfaces())
      .flat()
      .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
    if (!lanAddress) return console.warn('no LAN address on this machine: the plain-HTTP check needs one');
    const lanServer = createApp({ services, logger: createLogger('silent') }).listen(0, lanAddress);
    await new Promise((resolve) => lanServer.once('listening', resolve));
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`http://${lanAddress}:${(lanServer.address() as AddressInfo).port}/`);
      // The sign-in form starts hidden: the script shows it, so it is visible only if the script loaded.
      await page.getByLabel('API key').waitFor({ state: 'visible', timeout: 10_000 });
    } finally {
      await context.close();
      await new Promise((resolve) => lanServer.close(resolve));
    }
  });

  it('refuses a wrong key and asks again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.getByLabel('API key').fill('rpl_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(async () => expect(await page.locator('#sign-in-error').textContent()).toBe('That key was not accepted.'));
    expect(await page.evaluate(() => sessionStorage.getItem('replen.apiKey'))).toBeNull();
    await context.close();
  });

  it('goes back to the sign-in form when the key is revoked while the page is open', async () => {
    const created = await services.apiKeys.create({ name: 'carol', role: 'buyer' });
    const { context, page } = await signedIn(created.key);
    await services.apiKeys.revoke(created.apiKey.id);
    await page.getByLabel('Urgency', { exact: true }).selectOption('critical');
    await page.getByLabel('API key').waitFor({ state: 'visible' });
    await eventually(async () => expect(await page.locator('#sign-in-error').textContent()).toBe('The key was not accepted (revoked?): sign in again.'));
    await eventually(async () => expect(await page.locator('#workspace').isHidden()).toBe(true));
    await page.getByLabel('API key').fill(keys.buyer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(async () => expect(await page.locator('#session-name').textContent()).toBe('alice'));
    await context.close();
  });

  it('signs a buyer in, shows the role, and lists the first page of proposed lines as the API sorts them', async () => {
    const { context, page } = await signedIn(keys.buyer);
    await eventually(async () => expect(await page.locator('#session-role').textContent()).toBe('buyer'));
    await eventually(async () => expect(await page.locator('#session-name').textContent()).toBe('alice'));
    const expected = (await api('get', '/recommendations').query({ status: 'proposed', limit: 50 }).expect(200)).body.data as Row[];
    expect(expected.length).toBeGreaterThan(0);
    expect(await rowIds(page)).toEqual(expected.map((row) => row.id));
    const first = page.locator('#recommendations tbody tr[data-id]').first();
    await expect(first.locator('.badge').first().textContent()).resolves.toBe(expected[0].urgency);
    // The key lasts for the tab: a reload signs in again by itself.
    await page.reload();
    await page.locator('#recommendations tbody tr[data-id]').first().waitFor();
    await eventually(async () => expect(await page.locator('#session-role').textContent()).toBe('buyer'));
    await context.close();
  });

  it('filters by supplier and sorts by value, as the API does', async () => {
    const { context, page } = await signedIn(keys.buyer);
    const all = await listRows();
    const supplierId = all.find((row) => row.supplierId !== null)!.supplierId!;
    await page.getByLabel('Supplier', { exact: true }).selectOption(String(supplierId));
    await page.getByLabel('Sort by', { exact: true }).selectOption('value');
    const expected = (await api('get', '/recommendations').query({ status: 'proposed', supplierId, sort: 'value', limit: 50 }).expect(200)).body.data as Row[];
    await page.waitForFunction((count) => document.querySelectorAll('#recommendations tbody tr[data-id]').length === count, expected.length);
    await eventually(async () => expect(await rowIds(page)).toEqual(expected.map((row) => row.id)));
    const suppliers = await page.locator('#recommendations tbody tr[data-id] td:nth-child(5)').allTextContents();
    expect(new Set(suppliers)).toEqual(new Set([expected[0].supplierName]));
    await context.close();
  });

  /** Shows one line's detail: filtered to its supplier, so it is on the first page whatever the catalogue's size. */
  async function openLine(page: Page, row: Row): Promise<void> {
    if (row.supplierId !== null) await page.getByLabel('Supplier', { exact: true }).selectOption(String(row.supplierId));
    const line = page.locator(`#recommendations tbody tr[data-id="${row.id}"]`);
    await line.getByRole('button').click();
    await page.getByRole('heading', { name: `${row.sku} at ${row.locationCode}` }).waitFor();
  }

  /** The value shown for a labelled fact in the detail panel (without the formula under it). */
  async function fact(page: Page, label: string): Promise<string> {
    const term = page.locator('#derivation dt').filter({ hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) }).first();
    return (await term.locator('xpath=following-sibling::dd[1]').locator('.value').textContent()) ?? '';
  }

  it('opens a line and lays out every number behind its quantity, with the weekly chart', async () => {
    const { context, page } = await signedIn(keys.buyer);
    const row = (await listRows())[0];
    const detail = (await api('get', `/recommendations/${row.id}`).expect(200)).body;
    const explanation = detail.explanation;
    await openLine(page, row);
    await expect(fact(page, 'Safety stock')).resolves.toBe(format.precise(explanation.safetyStock));
    await expect(fact(page, 'Order-up-to level')).resolves.toBe(format.precise(explanation.orderUpTo));
    await expect(fact(page, 'Inventory position')).resolves.toBe(format.precise(explanation.inventoryPosition));
    await expect(fact(page, 'Net requirement')).resolves.toBe(format.precise(explanation.netRequirement));
    await expect(fact(page, 'Demand over the protection interval')).resolves.toBe(format.precise(explanation.demandOverProtection));
    await expect(fact(page, 'Lead time, mean')).resolves.toBe(format.days(explanation.leadTimeMeanDays));
    await expect(fact(page, 'Lead time, spread')).resolves.toBe(format.days(explanation.leadTimeStdDevDays));
    await expect(fact(page, 'Quantity proposed')).resolves.toBe(format.precise(explanation.rounding.orderQuantity));
    const position = await page.locator('#derivation dt', { hasText: /^Inventory position$/ }).locator('xpath=following-sibling::dd[1]').textContent();
    expect(position).toContain('on hand + on order − backordered − allocated');
    await expect(fact(page, 'Chosen')).resolves.toBe(row.supplierName);
    // History and forecast from GET /skus/:sku, drawn as one SVG.
    const chart = page.getByRole('img', { name: /Weekly demand chart/ });
    await chart.waitFor();
    expect(await chart.locator('path.history').count()).toBe(1);
    expect(await chart.locator('path.forecast').count()).toBe(1);
    await context.close();
  });

  it('works from the keyboard: Enter on a line opens its detail, Escape closes it and focus returns to the line', async () => {
    const { context, page } = await signedIn(keys.buyer);
    const first = page.locator('#recommendations tbody tr[data-id]').first();
    const sku = (await first.getByRole('button').textContent())!;
    await first.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: new RegExp(`^${sku} at `) }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail');
    await page.keyboard.press('Escape');
    await eventually(async () => expect(await page.locator('#detail').isHidden()).toBe(true));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(sku);
    await context.close();
  });

  it('approves a line: the API then shows it approved by the buyer', async () => {
    const { context, page } = await signedIn(keys.buyer);
    const row = (await listRows())[0];
    await openLine(page, row);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await eventually(async () => expect(await statusText(page).textContent()).toBe(`Approved: ${row.sku} at ${row.locationCode}.`));
    const after = (await api('get', `/recommendations/${row.id}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'approved', decidedBy: 'alice', version: 2 });
    await eventually(async () => expect(await page.getByTestId('detail-status').textContent()).toBe('approved'));
    await eventually(async () => expect(await page.locator(`#recommendations tr[data-id="${row.id}"] td:last-child`).textContent()).toBe('approved'));
    await context.close();
  });

  it('rejects a line with a reason code and a note', async () => {
    const { context, page } = await signedIn(keys.buyer);
    const row = (await listRows())[0];
    await openLine(page, row);
    await page.getByLabel('Reason').selectOption('supplier-issue');
    await page.getByLabel('Note', { exact: true }).fill('late twice this quarter');
    await page.getByRole('button', { name: 'Reject' }).click();
    await eventually(async () => expect(await statusText(page).textContent()).toBe(`Rejected: ${row.sku} at ${row.locationCode}.`));
    const after = (await api('get', `/recommendations/${row.id}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'rejected', reasonCode: 'supplier-issue', decidedBy: 'alice' });
    expect(after.events[after.events.length - 1]).toMatchObject({ actor: 'alice', action: 'reject' });
    await context.close();
  });

  it('changes a quantity: re-rounded to the order multiple, with the warning below the MOQ', async () => {
    const { context, page } = await signedIn(keys.buyer);
    const row = (await listRows()).find((line) => line.supplierId !== null)!;
    const { itemId, orderMultiple } = (await api('get', `/recommendations/${row.id}`).expect(200)).body;
    const multiple = orderMultiple ?? 1;
    // The supplier raises its minimum to ten cases (as an ERP import would), so a small order falls below it.
    await testDb.db('supplier_items').where({ supplier_id: row.supplierId, item_id: itemId }).update({ moq: 10 * multiple });
    await openLine(page, row);
    await page.getByLabel('Quantity', { exact: true }).fill(String(1.5 * multiple));
    await page.getByLabel('Why', { exact: true }).fill('a trial order');
    await page.getByRole('button', { name: 'Change quantity' }).click();
    const warnings = page.locator('#detail .warnings li');
    await warnings.first().waitFor();
    expect(await warnings.allTextContents()).toEqual([
      `quantity rounded up from ${1.5 * multiple} to ${2 * multiple}, a multiple of ${multiple}`,
      `quantity ${2 * multiple} is below the supplier's minimum order quantity ${10 * multiple}`,
    ]);
    const after = (await api('get', `/recommendations/${row.id}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'proposed', quantity: 2 * multiple, version: 2 });
    await eventually(async () => expect(await statusText(page).textContent()).toContain(`Quantity set to ${format.quantity(2 * multiple)}`));
    await context.close();
  });

  it('answers a decision on a line someone changed meanwhile with a clear message and the line reloaded', async () => {
    const { context, page } = await signedIn(keys.buyer);
    const row = (await listRows())[0];
    await openLine(page, row);
    // Bob changes the quantity after the page read the line.
    const read = await api('get', `/recommendations/${row.id}`, keys.otherBuyer).expect(200);
    const changed = read.body.quantity + (read.body.orderMultiple ?? 1);
    await api('patch', `/recommendations/${row.id}`, keys.otherBuyer).set('If-Match', read.headers.etag).send({ action: 'set-quantity', quantity: changed, reason: 'one more case' }).expect(200);

    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await eventually(async () => expect(await statusText(page).textContent()).toBe('Someone changed this line; reloaded. Check it and decide again.'));
    await eventually(async () => expect(await page.locator('#detail .facts dd').first().textContent()).toContain(format.quantity(changed)));
    const after = (await api('get', `/recommendations/${row.id}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'proposed', quantity: changed, decidedBy: 'bob' });
    // The reloaded line carries the new version: deciding again now works.
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await eventually(async () => expect((await api('get', `/recommendations/${row.id}`).expect(200)).body.status).toBe('approved'));
    await context.close();
  });

  it('shows a viewer the lines and their explanation, and no decision buttons', async () => {
    const { context, page } = await signedIn(keys.viewer);
    await eventually(async () => expect(await page.locator('#session-role').textContent()).toBe('viewer'));
    const row = (await listRows())[0];
    await openLine(page, row);
    await page.locator('#derivation dt', { hasText: /^Safety stock$/ }).waitFor({ state: 'attached' });
    for (const name of [/^Approve/, /^Reject$/, /^Change quantity$/]) expect(await page.getByRole('button', { name }).count()).toBe(0);
    await page.getByLabel('Location', { exact: true }).selectOption(String(row.locationId));
    await page.locator('#recommendations tbody tr[data-id]').first().waitFor();
    expect(await page.locator('#bulk-bar').isHidden()).toBe(true);
    await context.close();
  });

  it('offers every location in the filter (GET /locations), also one without lines on the page', async () => {
    await testDb.db('locations').insert({ external_id: 'E2E-EMPTY', code: 'ZZ-EMPTY', name: 'Empty warehouse' }).onConflict('code').ignore();
    const { context, page } = await signedIn(keys.viewer);
    const offered = await page.getByLabel('Location', { exact: true }).locator('option').allTextContents();
    const codes = (await testDb.db('locations').select('code').orderBy('code')).map((location: { code: string }) => location.code);
    expect(offered).toEqual(['all', ...codes]);
    expect(offered).toContain('ZZ-EMPTY');
    await context.close();
  });

  it('approves a supplier’s whole draft order at a location', async () => {
    const { context, page } = await signedIn(keys.buyer);
    const rows = await listRows();
    const counts = new Map<string, Row[]>();
    for (const row of rows.filter((line) => line.supplierId !== null)) counts.set(`${row.supplierId}:${row.locationId}`, [...(counts.get(`${row.supplierId}:${row.locationId}`) ?? []), row]);
    const draft = [...counts.values()].sort((a, b) => b.length - a.length)[0];
    expect(draft.length).toBeGreaterThan(1);
    await page.getByLabel('Supplier', { exact: true }).selectOption(String(draft[0].supplierId));
    await page.getByLabel('Location', { exact: true }).selectOption(String(draft[0].locationId));
    await eventually(async () => expect((await rowIds(page)).sort()).toEqual(draft.map((row) => row.id).sort()));
    await page.getByRole('button', { name: /^Review the draft order of / }).click();
    await page.getByRole('dialog').getByRole('button', { name: `Approve ${draft.length} lines` }).click();
    await eventually(async () =>
      expect(await statusText(page).textContent()).toBe(`Approved ${draft.length} lines of the draft order of ${draft[0].supplierName} at ${draft[0].locationCode}.`),
    );
    for (const row of draft) expect((await api('get', `/recommendations/${row.id}`).expect(200)).body.status).toBe('approved');
    await eventually(async () => expect(await page.locator('#recommendations tbody').textContent()).toBe('No recommendations match these filters.'));
    await context.close();
  });

  it('pages through 20,000 lines one page from the server at a time, next and previous by cursor', async () => {
    const runId = (await api('get', '/recommendations').query({ limit: 1 }).expect(200)).body.runId;
    const [{ id: locationId }] = await testDb.db('locations').select('id').limit(1);
    const [{ id: supplierId }] = await testDb.db('suppliers').select('id').limit(1);
    await testDb.db.raw(
      `insert into items (external_id, sku, description, unit_cost, unit_price)
       select 'BULK-' || n, 'BULK-' || lpad(n::text, 5, '0'), 'bulk line ' || n, 1 + n % 50, 2 + n % 50 from generate_series(1, 20000) n`,
    );
    // Without fresh statistics the foreign-key checks against the 20,000 new items scan the table row by row (30 s on PGlite).
    await testDb.db.raw('analyze items');
    await testDb.db.raw(
      `insert into recommendations (run_id, item_id, location_id, supplier_id, quantity, suggested_quantity, unit_cost, projected_stockout_date, urgency)
       select ?, i.id, ?, ?, 10 + i.id % 90, 10 + i.id % 90, i.unit_cost, date '2026-12-01' + (i.id % 60),
              (array['critical', 'high', 'normal', 'low'])[1 + i.id % 4]
         from items i where i.sku like 'BULK-%'`,
      [runId, locationId, supplierId],
    );
    const { context, page } = await signedIn(keys.buyer);
    const expected = async (cursor?: string) =>
      (await api('get', '/recommendations').query({ status: 'proposed', sort: 'stockout', limit: 200, ...(cursor ? { cursor } : {}) }).expect(200)).body;
    const first = await expected();
    const second = await expected(first.nextCursor);

    await page.getByLabel('Rows', { exact: true }).selectOption('200');
    await page.getByLabel('Sort by', { exact: true }).selectOption('stockout');
    await eventually(async () => expect(await rowIds(page)).toEqual(first.data.map((row: Row) => row.id)));
    await page.getByRole('button', { name: 'Next page' }).click();
    await eventually(async () => expect(await rowIds(page)).toEqual(second.data.map((row: Row) => row.id)));
    await page.getByRole('button', { name: 'Previous page' }).click();
    await eventually(async () => expect(await rowIds(page)).toEqual(first.data.map((row: Row) => row.id)));
    await eventually(async () => expect(await page.locator('#page-info').textContent()).toBe('Page 1: 200 lines'));
    await context.close();
  });
});
