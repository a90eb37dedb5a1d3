import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../src/http/app';
import { errorMiddleware } from '../../../src/http/error-middleware';
import { encodeCursor } from '../../../src/http/schemas';
import { listen } from '../../../src/http/server';
import { createLogger } from '../../../src/logger';
import { createImportService } from '../../../src/services/import-service';
import { insertItem, insertLocation, insertRun, openTestApp, type TestApp } from '../../helpers/catalogue';
import { testEngines } from '../../helpers/database';
import { databaseFingerprint, rawRequest, sleep } from './helpers';

const TODAY = '2026-11-27';
const salesCsv = (...rows: string[]) => ['sku,location,sales_date,quantity', ...rows].join('\n') + '\n';

/** Hostile and careless input (issue 15, items 1 to 5): each refused with a 4xx in the error body format, nothing changed. */
describe.each(testEngines())('hardened input on %s', (engine) => {
  let testApp: TestApp;
  let app: Express;
  let server: http.Server;
  let before: Record<string, string>;
  const key = (role: keyof TestApp['keys']) => `Bearer ${testApp.keys[role]}`;
  const erp = () => key('erp');
  const postJson = (kind: string, body: unknown) => request(app).post(`/imports/${kind}`).set('Authorization', erp()).send(body as object);
  const postCsv = (kind: string, body: string | Buffer, type = 'text/csv') =>
    request(app).post(`/imports/${kind}`).set('Authorization', erp()).set('Content-Type', type).send(body);
  /** Bytes sent as they are (supertest would serialise a Buffer sent as JSON). */
  const postBytes = async (url: string, bytes: Buffer, headers: Record<string, string>) => {
    const answer = await rawRequest(
      server,
      { method: 'POST', path: url, headers: { Authorization: erp(), 'Content-Length': String(bytes.length), ...headers } },
      (request) => void request.end(bytes),
    );
    return { status: answer.status, body: JSON.parse(answer.body) };
  };
  const get = (url: string, role: keyof TestApp['keys'] = 'viewer') => request(app).get(url).set('Authorization', key(role));
  /** The error body format, with the status and code expected. */
  const expectError = (answer: { status: number; body: unknown }, status: number, code: string) => {
    expect({ status: answer.status, code: (answer.body as { error?: { code?: string } }).error?.code }).toEqual({ status, code });
    expect(answer.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  };
  const expectNothingChanged = async () => expect(await databaseFingerprint(testApp.db)).toEqual(before);

  beforeAll(async () => {
    testApp = await openTestApp(engine);
    const imports = createImportService({ db: testApp.db, now: () => new Date(`${TODAY}T09:30:00Z`) });
    app = createApp({ services: { ...testApp.services, imports }, logger: createLogger('silent') });
    server = await listen(app, { host: '127.0.0.1', port: 0, headersTimeoutSeconds: 1, requestTimeoutSeconds: 2 });
    await insertLocation(testApp.db, 'DC1');
    await insertItem(testApp.db, { sku: 'SKU-1' });
    await testApp.db.raw(`insert into suppliers (external_id, name) values ('S-1', 'Supplier')`);
    await insertRun(testApp.db);
  });
  afterAll(async () => {
    server.close();
    server.closeAllConnections();
    await testApp.testDb.drop();
  });
  beforeEach(async () => {
    before = await databaseFingerprint(testApp.db);
  });

  describe('1. the key before the body; inflation capped; slow clients cut off', () => {
    // 12 MB of digits compress to about 12 KB: without the key check first, every such request was inflated and parsed.
    const bomb = gzipSync(Buffer.from(`[${'1,'.repeat(6 * 1024 * 1024)}1]`));

    it('answers 401/403 without reading the body (it is still being sent), 413 once inflation passes the limit, 408 to a slow body or slow headers', async () => {
      expect(bomb.length).toBeLessThan(64 * 1024);
      const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Transfer-Encoding': 'chunked' };
      // The body is never finished: an answer can only come from a server that did not wait for it.
      const unfinished = (request: http.ClientRequest) => void request.write(bomb.subarray(0, 4096));
      const anonymous = await rawRequest(server, { method: 'POST', path: '/imports/daily-sales', headers }, unfinished);
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body)).toEqual({ error: { code: 'unauthorized', message: 'missing or invalid API key' } });
      expect(anonymous.headers.connection).toBe('close');
      const viewer = await rawRequest(server, { method: 'POST', path: '/imports/daily-sales', headers: { ...headers, Authorization: key('viewer') } }, unfinished);
      expect(viewer.status).toBe(403);

      const inflated = await postBytes('/imports/daily-sales', bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      expectError(inflated, 413, 'payload_too_large');
      expect(inflated.body.error.message).toBe(`request body is larger than ${10 * 1024 * 1024} bytes`);

      // A byte every 300 ms: the server's 2-second request timeout ends it long before the body would.
      const slowBody = await rawRequest(
        server,
        { method: 'POST', path: '/imports/daily-sales', headers: { 'Content-Type': 'application/json', 'Content-Length': '1000', Authorization: erp() } },
        async (request) => {
          for (let index = 0; index < 1000 && !request.destroyed; index++) {
            request.write(index === 0 ? '[' : ' ');
            await sleep(300);
          }
        },
      );
      expect(slowBody.status).toBe(408);
      expect(slowBody.ms).toBeLessThan(6000);
      const slowHeaders = await new Promise<string>((resolve) => {
        const socket = require('node:net').connect((server.address() as { port: number }).port, '127.0.0.1');
        let answer = '';
        socket.on('data', (data: Buffer) => (answer += data.toString()));
        socket.on('close', () => resolve(answer));
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
      });
      expect(slowHeaders).toMatch(/^HTTP\/1\.1 408 /);
      await expectNothingChanged();
    }, 30_000);
  });

  describe('2. numbers within what their columns and the planner can hold', () => {
    it('refuses a quantity of 99,999,999,999.999, a unit cost of 1e10 and a lead time of a million days with the row and field', async () => {
      const sales = await postJson('daily-sales', [{ sku: 'SKU-1', location: 'DC1', salesDate: '2026-11-20', quantity: 99999999999.999 }]);
      expectError(sales, 422, 'import_rejected');
      expect(sales.body.error.details).toEqual([{ row: 1, field: 'quantity', reason: 'more than 1000000000 units' }]);
      const items = await postCsv('items', 'sku,unit_cost\nBIG,10000000000\n');
      expect(items.body.error.details).toEqual([{ row: 2, field: 'unit_cost', reason: 'more than 1000000000' }]);
      const offers = await postJson('supplier-items', [
        { externalId: 'SI-BIG', supplier: 'S-1', sku: 'SKU-1', unitCost: 1, promisedLeadTimeDays: 1_000_000 },
      ]);
      expect(offers.body.error.details).toEqual([{ row: 1, field: 'promisedLeadTimeDays', reason: 'more than 3650 days' }]);
      await expectNothingChanged();
    });
  });

  describe('3. dates the database holds', () => {
    it('refuses year 0000 in JSON and CSV with the row and field (the database has no year 0)', async () => {
      const json = await postJson('daily-sales', [{ sku: 'SKU-1', location: 'DC1', salesDate: '0000-01-01', quantity: 1 }]);
      expectError(json, 422, 'import_rejected');
      expect(json.body.error.details).toEqual([{ row: 1, field: 'salesDate', reason: 'there is no year 0000: dates start at 0001-01-01' }]);
      const csv = await postCsv('daily-sales', salesCsv('SKU-1,DC1,2026-11-20,1', 'SKU-1,DC1,0000-02-29,1'));
      expect(csv.body.error.details).toEqual([{ row: 3, field: 'sales_date', reason: 'there is no year 0000: dates start at 0001-01-01' }]);
      await expectNothingChanged();
    });

    it('refuses year 0000 and time zone offsets PostgreSQL cannot read in query dates and instants (they were a 500)', async () => {
      for (const [url, path, message] of [
        ['/backorders/accuracy?from=0000-01-01', 'from', 'there is no year 0000: dates start at 0001-01-01'],
        ['/backorders/accuracy?to=0000-12-31', 'to', 'there is no year 0000: dates start at 0001-01-01'],
        ['/backorders?changedSince=0000-01-01T00:00:00Z', 'changedSince', 'there is no year 0000: dates start at 0001-01-01'],
        ['/backorders?changedSince=2026-11-27T09:30:00-23:59', 'changedSince', 'a time zone offset must be within ±15:59'],
        ['/backorders?changedSince=2026-11-27', 'changedSince', 'expected an instant such as 2026-11-27T09:30:00Z'],
      ]) {
        const answer = await get(url);
        expectError(answer, 400, 'validation_failed');
        expect(answer.body.error.details).toEqual([{ path, message }]);
      }
      // The edges PostgreSQL holds are answered.
      await get('/backorders/accuracy?from=0001-01-01&to=9999-12-31').expect(200);
      await get(`/backorders?changedSince=${encodeURIComponent('2026-11-27T09:30:00-15:59')}`).expect(200);
      await expectNothingChanged();
    });
  });

  describe('4. NUL bytes, bad percent-encoding, unknown encodings and charsets, bad gzip, forged cursors', () => {
    it('answers each with 400 (415 for encodings and charsets) in the error body format', async () => {
      const nulJson = await postJson('items', [{ sku: 'OK' }, { sku: 'A\u0000B' }]);
      expectError(nulJson, 400, 'validation_failed');
      expect(nulJson.body.error.details).toEqual([{ path: '1.sku', message: 'text must not contain a NUL character (\\u0000)' }]);
      const nulCsv = await postCsv('items', 'sku,description\nOK,fine\nA\u0000B,x\n');
      expectError(nulCsv, 400, 'validation_failed');
      expect(nulCsv.body.error.details).toEqual([{ row: 3, field: 'sku', reason: 'text must not contain a NUL character' }]);
      const nulNote = await request(app)
        .patch('/recommendations/1')
        .set('Authorization', key('buyer'))
        .set('If-Match', 'W/"1-1"')
        .send({ action: 'reject', reasonCode: 'other', note: 'x\u0000' });
      expectError(nulNote, 400, 'validation_failed');
      for (const url of ['/skus?search=%00', '/backorders?sku=A%00', '/skus/A%00B', '/skus/%E0%A4%A', '/recommendations/%ZZ', '/skus?search=100%']) {
        expectError(await get(url), 400, 'validation_failed');
      }

      const compress = await postCsv('items', 'sku\nX\n').set('Content-Encoding', 'compress');
      expectError(compress, 415, 'unsupported_media_type');
      expect(compress.body.error.message).toBe('Content-Encoding compress is not supported: send identity, gzip, deflate or br');
      expectError(await postCsv('items', 'sku\nX\n', 'text/csv; charset=klingon'), 415, 'unsupported_media_type');
      expectError(await postCsv('items', '[]', 'application/json; charset=iso-8859-1'), 415, 'unsupported_media_type');
      expectError(await postCsv('items', '<items/>', 'application/xml'), 415, 'unsupported_media_type');
      const badGzip = await postBytes('/imports/items', Buffer.from('this is not gzip'), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      expectError(badGzip, 400, 'validation_failed');
      expect(badGzip.body.error.message).toMatch(/^request body is not valid gzip data/);

      const forged = [
        `/recommendations?sort=value&cursor=${encodeCursor('recommendations:value', ['1e999', 5])}`,
        `/recommendations?cursor=${encodeCursor('recommendations:urgency', ['0', '2026-01-01', 9999999999999999999])}`,
        `/recommendations?sort=stockout&cursor=${encodeCursor('recommendations:stockout', ['0000-01-01', 5])}`,
        `/suppliers?cursor=${encodeCursor('suppliers', [9999999999])}`,
        `/backorders?cursor=${encodeCursor('backorders', ['infinity', 1e999])}`,
      ];
      for (const url of forged) {
        const answer = await get(url);
        expectError(answer, 400, 'validation_failed');
        expect(answer.body.error.details).toEqual([{ path: 'cursor', message: 'not a cursor of this listing' }]);
      }
      const pull = await get(`/purchase-orders/suggested?cursor=${encodeCursor('suggested-purchase-orders', ['9999999999999999999', 1])}`, 'erp');
      expectError(pull, 400, 'validation_failed');
      await expectNothingChanged();
    });

    it("keeps the 4xx status of Express's own errors (a path it cannot decode) instead of a 500", () => {
      const answer = { status: 0, body: undefined as unknown, headers: {} as Record<string, string> };
      const res = {
        setHeader: (name: string, value: string) => (answer.headers[name] = value),
        status(code: number) {
          answer.status = code;
          return this;
        },
        json: (body: unknown) => (answer.body = body),
      };
      const decodeError = Object.assign(new URIError("Failed to decode param '%E0%A4%A'"), { status: 400, statusCode: 400, expose: true });
      errorMiddleware(decodeError, { complete: true } as never, res as never, () => undefined);
      expect(answer).toEqual({ status: 400, headers: {}, body: { error: { code: 'bad_request', message: "Failed to decode param '%E0%A4%A'" } } });
    });
  });

  describe('5. duplicate CSV columns, invalid UTF-8, loose numbers, unknown runs', () => {
    it('answers 400 or 404 naming the row and field', async () => {
      const twice = await postCsv('daily-sales', 'sku,location,sales_date,quantity,quantity\nSKU-1,DC1,2026-11-20,1,5\n');
      expectError(twice, 400, 'validation_failed');
      expect(twice.body.error.details).toEqual([{ row: 1, field: 'quantity', reason: 'column named twice in the header' }]);

      const latin1 = Buffer.concat([Buffer.from('sku,description\nOK,fine\nSKU-X,Gr'), Buffer.from([0xfc]), Buffer.from('n\n')]);
      const utf8 = await postCsv('items', latin1);
      expectError(utf8, 400, 'validation_failed');
      expect(utf8.body.error.details).toEqual([{ row: 3, field: 'description', reason: expect.stringMatching(/^bytes that are not valid text/) }]);
      // The same bytes are fine when the client says they are Latin-1.
      expect((await postCsv('items', latin1, 'text/csv; charset=iso-8859-1').expect(200)).body.items.inserted).toBe(2);
      const [{ description }] = (await testApp.db.raw(`select description from items where sku = 'SKU-X'`)).rows;
      expect(description).toBe('Grün');
      before = await databaseFingerprint(testApp.db);
      const jsonBytes = Buffer.concat([Buffer.from('[{"sku":"Gr'), Buffer.from([0xfc]), Buffer.from('n"}]')]);
      const badJson = await postBytes('/imports/items', jsonBytes, { 'Content-Type': 'application/json' });
      expectError(badJson, 400, 'validation_failed');
      expect(badJson.body.error).toEqual({ code: 'validation_failed', message: 'request body is not valid UTF-8 at line 1', details: { line: 1 } });

      const loose = await postJson('daily-sales', [
        { sku: 'SKU-1', location: 'DC1', salesDate: '2026-11-20', quantity: ' ' },
        { sku: 'SKU-1', location: 'DC1', salesDate: '2026-11-21', quantity: '0x10' },
      ]);
      expect(loose.body.error.details).toEqual([
        { row: 1, field: 'quantity', reason: 'expected a decimal number, got " "' },
        { row: 2, field: 'quantity', reason: 'expected a decimal number, got "0x10"' },
      ]);
      const looseCsv = await postCsv('daily-sales', salesCsv('SKU-1,DC1,2026-11-20,1e3', 'SKU-1,DC1,2026-11-21,Infinity'));
      expect(looseCsv.body.error.details).toEqual([{ row: 3, field: 'quantity', reason: 'expected a decimal number, got "Infinity"' }]);
      for (const url of ['/recommendations/0x43', '/recommendations?limit=0x10', '/recommendations?limit=', '/runs/1e3', '/runs?limit=%2010']) {
        const answer = await get(url);
        expectError(answer, 400, 'validation_failed');
        expect(answer.body.error.details[0].message).toMatch(/^expected a whole number in decimal digits, got /);
      }

      for (const url of ['/recommendations?runId=999999', '/backorders?runId=999999', '/skus/SKU-1?runId=999999']) {
        const answer = await get(url);
        expectError(answer, 404, 'not_found');
        expect(answer.body.error.message).toBe('run 999999 not found');
      }
      const approve = await request(app).post('/recommendations/approve').set('Authorization', key('buyer')).send({ supplierId: 1, locationId: 1, runId: 999999 });
      expectError(approve, 404, 'not_found');
      await expectNothingChanged();
    });
  });
});
