import request from 'supertest';
import type { Permission } from '../../../src/http/auth';
import { openApiDocument, routeDocs, type RouteDoc } from '../../../src/http/openapi';
import { apiKeyListResponse, apiKeyResponse, createdApiKeyResponse } from '../../../src/http/schemas';
import { csvColumns, importKinds, type ImportKindName } from '../../../src/services/imports/kinds';
import { testEngines } from '../../helpers/database';
import { expectShape, insertRun, openTestApp, type Role, type TestApp } from '../../helpers/catalogue';

interface RouteCase {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** As documented (Express form), to check the table covers every documented route. */
  route: string;
  url: string;
  permission: Permission;
  /** The answer to an allowed role: the request is valid, so it is never 400, 401 or 403. */
  allowedStatus: number;
  body?: object | string;
  headers?: Record<string, string>;
}

const routes: RouteCase[] = [
  { method: 'get', route: '/recommendations', url: '/recommendations', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/recommendations/:id', url: '/recommendations/999999', permission: 'read', allowedStatus: 404 },
  {
    method: 'patch', route: '/recommendations/:id', url: '/recommendations/999999', permission: 'decide', allowedStatus: 404,
    body: { action: 'approve' }, headers: { 'If-Match': 'W/"999999-1"' },
  },
  {
    method: 'post', route: '/recommendations/approve', url: '/recommendations/approve', permission: 'decide', allowedStatus: 200,
    body: { supplierId: 999999, locationId: 999999 },
  },
  {
    method: 'post', route: '/recommendations/decisions', url: '/recommendations/decisions', permission: 'decide', allowedStatus: 200,
    body: { action: 'approve', lines: [{ id: 999999, version: 1 }] },
  },
  { method: 'post', route: '/recommendations/:id/notes', url: '/recommendations/999999/notes', permission: 'decide', allowedStatus: 404, body: { text: 'call first' } },
  { method: 'get', route: '/recommendations', url: '/recommendations?format=csv', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/draft-orders', url: '/draft-orders', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/draft-orders/:supplierId/:locationId', url: '/draft-orders/999999/999999', permission: 'read', allowedStatus: 404 },
  { method: 'get', route: '/suppliers/lead-times', url: '/suppliers/lead-times', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/purchase-orders/suggested', url: '/purchase-orders/suggested', permission: 'export', allowedStatus: 200 },
  {
    method: 'post', route: '/purchase-orders/suggested/:id/ack', url: '/purchase-orders/suggested/999999/ack', permission: 'export',
    allowedStatus: 404, body: { erpPoNumber: 'PO-1' }, headers: { 'Idempotency-Key': 'role-table-0001', 'If-Match': 'W/"999999-2026-11-27T00:00:00.000000Z"' },
  },
  { method: 'get', route: '/locations', url: '/locations', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/suppliers', url: '/suppliers', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/suppliers/:id', url: '/suppliers/999999', permission: 'read', allowedStatus: 404 },
  { method: 'get', route: '/skus', url: '/skus', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/skus/:sku', url: '/skus/NO-SUCH-SKU', permission: 'read', allowedStatus: 404 },
  { method: 'get', route: '/backorders', url: '/backorders', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/exceptions', url: '/exceptions', permission: 'read', allowedStatus: 200 },
  { method: 'post', route: '/exceptions/:id/acknowledge', url: '/exceptions/999999/acknowledge', permission: 'decide', allowedStatus: 404 },
  { method: 'get', route: '/app/session', url: '/app/session', permission: 'read', allowedStatus: 200 },
  {
    method: 'post', route: '/forecast-overrides', url: '/forecast-overrides', permission: 'decide', allowedStatus: 422,
    body: { sku: 'NO-SUCH-SKU', location: 'NOWHERE', startDate: '2099-01-05', endDate: '2099-01-18', mode: 'absolute', value: 10, reason: 'promotion' },
  },
  { method: 'get', route: '/forecast-overrides', url: '/forecast-overrides', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/forecast-overrides/:id', url: '/forecast-overrides/999999', permission: 'read', allowedStatus: 404 },
  { method: 'patch', route: '/forecast-overrides/:id', url: '/forecast-overrides/999999', permission: 'decide', allowedStatus: 404, body: { note: 'x' } },
  { method: 'delete', route: '/forecast-overrides/:id', url: '/forecast-overrides/999999', permission: 'decide', allowedStatus: 404 },
  { method: 'get', route: '/forecast-value-added', url: '/forecast-value-added', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/backorders/:salesOrderLineId', url: '/backorders/999999', permission: 'read', allowedStatus: 404 },
  { method: 'post', route: '/keys', url: '/keys', permission: 'admin', allowedStatus: 201, body: { name: 'from-role-table', role: 'viewer' } },
  { method: 'get', route: '/keys', url: '/keys', permission: 'admin', allowedStatus: 200 },
  { method: 'delete', route: '/keys/:id', url: '/keys/999999', permission: 'admin', allowedStatus: 404 },
  { method: 'get', route: '/runs', url: '/runs', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/runs/:id', url: '/runs/999999', permission: 'read', allowedStatus: 404 },
  { method: 'post', route: '/runs', url: '/runs', permission: 'admin', allowedStatus: 202 },
  { method: 'post', route: '/runs/:id/cancel', url: '/runs/999999/cancel', permission: 'admin', allowedStatus: 404 },
  { method: 'post', route: '/runs/:id/resume', url: '/runs/999999/resume', permission: 'admin', allowedStatus: 404 },
  { method: 'get', route: '/metrics', url: '/metrics', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/sources', url: '/sources', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/backorders/accuracy', url: '/backorders/accuracy', permission: 'read', allowedStatus: 200 },
  { method: 'get', route: '/receipts/:id/allocation', url: '/receipts/NO-SUCH-RECEIPT/allocation', permission: 'read', allowedStatus: 404 },
  { method: 'post', route: '/webhooks', url: '/webhooks', permission: 'admin', allowedStatus: 201, body: { url: 'https://erp.example.test/hooks', events: ['backorder.covered'] } },
  { method: 'get', route: '/webhooks', url: '/webhooks', permission: 'admin', allowedStatus: 200 },
  { method: 'get', route: '/webhooks/:id', url: '/webhooks/999999', permission: 'admin', allowedStatus: 404 },
  { method: 'patch', route: '/webhooks/:id', url: '/webhooks/999999', permission: 'admin', allowedStatus: 404, body: { enabled: false } },
  { method: 'delete', route: '/webhooks/:id', url: '/webhooks/999999', permission: 'admin', allowedStatus: 404 },
  { method: 'get', route: '/webhooks/:id/deliveries', url: '/webhooks/999999/deliveries', permission: 'admin', allowedStatus: 404 },
  { method: 'post', route: '/webhooks/:id/deliveries/:deliveryId/retry', url: '/webhooks/999999/deliveries/1/retry', permission: 'admin', allowedStatus: 404 },
  { method: 'post', route: '/webhooks/:id/test', url: '/webhooks/999999/test', permission: 'admin', allowedStatus: 404 },
  {
    method: 'get', route: '/purchase-orders/suggested', url: '/purchase-orders/suggested', permission: 'export', allowedStatus: 200,
    headers: { Accept: 'text/csv' },
  },
  // An empty batch is valid for every kind: the answer counts nothing, in JSON and in CSV (a header row only).
  ...Object.keys(importKinds).flatMap((kind): RouteCase[] => [
    { method: 'post', route: `/imports/${kind}`, url: `/imports/${kind}`, permission: 'import', allowedStatus: 200, body: [] },
    {
      method: 'post', route: `/imports/${kind}`, url: `/imports/${kind}?mode=partial`, permission: 'import', allowedStatus: 200,
      body: 'external_id\n', headers: { 'Content-Type': 'text/csv' },
    },
  ]),
];

type OpenApi = {
  paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, unknown>; headers?: Record<string, { required: boolean }> }> }>>;
};

const allowedRoles: Record<Permission, Role[]> = {
  read: ['viewer', 'buyer', 'erp', 'admin'],
  decide: ['buyer', 'admin'],
  import: ['erp', 'admin'],
  export: ['erp', 'admin'],
  admin: ['admin'],
};

const callers = ['no key', 'viewer', 'buyer', 'erp', 'admin'] as const;
const table = routes.flatMap((route) =>
  callers.map((caller) => ({
    ...route,
    caller,
    expected: caller === 'no key' ? 401 : allowedRoles[route.permission].includes(caller) ? route.allowedStatus : 403,
  })),
);

describe.each(testEngines())('access control, API keys and the API description over HTTP on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp(engine);
    await insertRun(t.db);
  });
  afterAll(() => t.testDb.drop());

  const call = (method: RouteCase['method'], url: string, key?: string) => {
    const pending = request(t.app)[method](url);
    return key ? pending.set('Authorization', `Bearer ${key}`) : pending;
  };

  /** The answer matches the OpenAPI document: a documented status, one of its media types, its required headers, the documented JSON shape. */
  const expectDocumented = (doc: RouteDoc, document: OpenApi, response: request.Response) => {
    const operation = document.paths[doc.path.replace(/:(\w+)/g, '{$1}')][doc.method];
    expect(Object.keys(operation.responses)).toContain(String(response.status));
    const mediaType = String(response.headers['content-type']).split(';')[0];
    expect(Object.keys(operation.responses[response.status].content)).toContain(mediaType);
    for (const [name, header] of Object.entries(operation.responses[response.status].headers ?? {})) {
      if (header.required) expect(response.headers).toHaveProperty(name.toLowerCase());
    }
    if (response.status >= 400) expect(response.body.error.code).toEqual(expect.any(String));
    else if (mediaType === 'application/json' && doc.result) expectShape(doc.result, response.body);
  };

  it.each(table)('$method $url as $caller answers $expected as documented', async ({ method, route, url, caller, expected, body, headers }) => {
    let pending = call(method, url, caller === 'no key' ? undefined : t.keys[caller]);
    for (const [name, value] of Object.entries(headers ?? {})) pending = pending.set(name, value);
    const response = await (body !== undefined ? pending.send(body) : pending);
    expect(response.status).toBe(expected);
    if (expected === 401) expect(response.body.error.code).toBe('unauthorized');
    if (expected === 403) expect(response.body.error.code).toBe('forbidden');
    const doc = routeDocs.find((candidate) => candidate.method === method && candidate.path === route)!;
    expectDocumented(doc, openApiDocument() as OpenApi, response);
    if (headers?.Accept === 'text/csv' && expected === 200) expect(response.headers['content-type']).toMatch(/^text\/csv/);
  });

  it.each(routeDocs.filter((doc) => doc.permission === null))('public $method $path answers as documented', async (doc) => {
    const response = await request(t.app)[doc.method](doc.path);
    expect(response.status).toBeLessThan(500);
    expectDocumented(doc, openApiDocument() as OpenApi, response);
  });

  it('covers every documented route that needs a key, with the documented permission', () => {
    const documented = routeDocs.filter((doc) => doc.permission !== null).map((doc) => `${doc.method} ${doc.path} ${doc.permission}`);
    const tested = new Set(routes.map((route) => `${route.method} ${route.route} ${route.permission}`));
    expect(documented.filter((route) => !tested.has(route))).toEqual([]);
  });

  describe('API keys', () => {
    it('creates a key shown once, lists keys without secrets, and a revoked key is refused', async () => {
      const created = await call('post', '/keys', t.keys.admin).send({ name: 'nightly export', role: 'erp' }).expect(201);
      expect(created.body).toMatchObject({ name: 'nightly export', role: 'erp', revokedAt: null });
      expectShape(createdApiKeyResponse, created.body);
      expect(created.body.key).toMatch(/^rpl_[A-Za-z0-9_-]{43}$/);
      expect(created.body.prefix).toBe(created.body.key.slice(0, 8));
      expect(created.headers['cache-control']).toBe('no-store');

      const listed = await call('get', '/keys', t.keys.admin).expect(200);
      expectShape(apiKeyListResponse, listed.body);
      const entry = listed.body.data.find((key: { id: number }) => key.id === created.body.id);
      expect(Object.keys(entry).sort()).toEqual(['createdAt', 'id', 'name', 'prefix', 'revokedAt', 'role']);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

      await call('get', '/purchase-orders/suggested', created.body.key).expect(200);
      const revoked = await call('delete', `/keys/${created.body.id}`, t.keys.admin).expect(200);
      expectShape(apiKeyResponse, revoked.body);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      await call('get', '/purchase-orders/suggested', created.body.key).expect(401);
      const again = await call('delete', `/keys/${created.body.id}`, t.keys.admin).expect(200);
      expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    });

    it.each([
      ['no body', undefined],
      ['an unknown role', { name: 'x', role: 'root' }],
      ['an empty name', { name: '  ', role: 'viewer' }],
      ['no role', { name: 'x' }],
      ['an extra field', { name: 'x', role: 'viewer', key: 'rpl_chosen_by_client' }],
    ])('answers 400 to a key with %s', async (_name, body) => {
      const response = await call('post', '/keys', t.keys.admin).send(body as object).expect(400);
      expect(response.body.error.code).toBe('validation_failed');
    });

    it('answers 400 to a malformed key id', async () => {
      await call('delete', '/keys/first', t.keys.admin).expect(400);
    });
  });

  describe('API description', () => {
    it('serves an OpenAPI 3.1 document without a key, generated from the request schemas', async () => {
      const response = await request(t.app).get('/openapi.json').expect(200);
      const document = response.body;
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/recommendations/{id}', '/purchase-orders/suggested/{id}/ack', '/skus/{sku}']));
      const patch = document.paths['/recommendations/{id}'].patch;
      expect(patch['x-roles']).toEqual(['buyer', 'admin']);
      expect(patch.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'id', in: 'path', required: true }),
          expect.objectContaining({ name: 'If-Match', in: 'header', required: true }),
        ]),
      );
      const body = patch.requestBody.content['application/json'].schema;
      expect(body.oneOf.map((option: { properties: { action: { const: string } } }) => option.properties.action.const)).toEqual([
        'approve',
        'reject',
        'undo',
        'set-quantity',
      ]);
      expect(body.oneOf.every((option: { additionalProperties: boolean }) => option.additionalProperties === false)).toBe(true);
      expect(Object.keys(patch.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '412', '413', '415', '422', '428']);
      const limit = document.paths['/recommendations'].get.parameters.find((p: { name: string }) => p.name === 'limit');
      expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } });
      expect(Object.keys(document.paths['/purchase-orders/suggested'].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    });

    it('documents each import kind with its JSON records, its CSV columns, ?mode and the 422 naming row, field and reason', async () => {
      const { paths } = (await request(t.app).get('/openapi.json').expect(200)).body;
      for (const kind of Object.keys(importKinds)) expect(paths[`/imports/${kind}`].post['x-roles']).toEqual(['erp', 'admin']);
      const orders = paths['/imports/purchase-orders'].post;
      expect(orders.requestBody.required).toBe(true);
      expect(orders.requestBody.content['application/json'].schema.items.required).toEqual(['externalId', 'supplier', 'location', 'orderDate']);
      expect(orders.requestBody.content['text/csv'].schema.description).toMatch(/^Columns: external_id, supplier, .*line_external_id, sku, quantity_ordered/);
      // The columns are the parser's own list, each with whether it must be filled and the type of the field it fills.
      for (const kind of Object.keys(importKinds) as ImportKindName[]) {
        const csv = paths[`/imports/${kind}`].post.requestBody.content['text/csv'].schema;
        expect(csv).toMatchObject({ type: 'string', contentMediaType: 'text/csv' });
        expect(csv['x-csv-columns'].map((column: { name: string }) => column.name)).toEqual(csvColumns(kind).map((column) => column.name));
      }
      const orderColumns = Object.fromEntries(
        orders.requestBody.content['text/csv'].schema['x-csv-columns'].map((column: { name: string }) => [column.name, column]),
      );
      expect(orderColumns.line_external_id).toEqual({ name: 'line_external_id', required: true, schema: expect.objectContaining({ type: 'string' }) });
      expect(orderColumns.quantity_ordered).toMatchObject({ required: true, schema: { type: 'number', minimum: 0 } });
      expect(orderColumns.line_promised_date).toMatchObject({ required: false, schema: { type: 'string', format: 'date' } });
      expect(orderColumns.status).toMatchObject({ required: false, schema: { enum: ['open', 'closed', 'cancelled'] } });
      expect(orderColumns.receipts).toBeUndefined();
      expect(orders.parameters).toEqual([expect.objectContaining({ name: 'mode', in: 'query', required: false, schema: expect.objectContaining({ enum: ['all', 'partial'] }) })]);
      expect(Object.keys(orders.responses).sort()).toEqual(['200', '400', '401', '403', '413', '415', '422']);
      const details = orders.responses['422'].content['application/json'].schema.properties.error.properties.details;
      expect(details.items.required).toEqual(['row', 'field', 'reason']);
      expect(Object.keys(orders.responses['200'].content['application/json'].schema.properties)).toEqual(['purchase_orders', 'purchase_order_lines', 'receipts', 'errors']);
    });

    it('accepts as CSV exactly the columns it documents for each import', async () => {
      const { paths } = (await request(t.app).get('/openapi.json').expect(200)).body;
      type Column = { name: string; schema: { type?: string; format?: string; enum?: string[]; pattern?: string } };
      const cell = ({ schema }: Column) =>
        schema.enum?.[0] ?? (schema.format === 'date' ? '2026-01-05' : schema.type === 'number' || schema.type === 'integer' ? '1' : schema.type === 'boolean' ? 'true' : schema.pattern ? 'USD' : 'X-1');
      const post = (kind: string, header: string[], row: string[]) =>
        call('post', `/imports/${kind}?mode=partial`, t.keys.erp).set('Content-Type', 'text/csv').send(`${header.join(',')}\n${row.join(',')}\n`).expect(200);
      for (const kind of Object.keys(importKinds)) {
        const columns: Column[] = paths[`/imports/${kind}`].post.requestBody.content['text/csv'].schema['x-csv-columns'];
        // Every documented column filled: the row may name unknown SKUs and the like, but no column is unrecognised.
        const all = await post(kind, columns.map((column) => column.name), columns.map(cell));
        expect(all.body.errors.filter((error: { reason: string }) => /unrecognized/i.test(error.reason))).toEqual([]);
        const extra = await post(kind, [...columns.map((column) => column.name), 'bogus'], [...columns.map(cell), 'x']);
        expect(extra.body.errors).toContainEqual({ row: 2, field: 'bogus', reason: expect.stringMatching(/unrecognized/i) });
      }
    });

    it('documents the CSV answer of the suggested-order pull as the columns it sends, and the headers routes read and send', async () => {
      const { paths } = (await request(t.app).get('/openapi.json').expect(200)).body;
      const pull = paths['/purchase-orders/suggested'].get.responses['200'];
      const csv = pull.content['text/csv'].schema;
      expect(csv).toMatchObject({ type: 'string', contentMediaType: 'text/csv' });
      const sent = await call('get', '/purchase-orders/suggested', t.keys.erp).set('Accept', 'text/csv').expect(200);
      expect(csv['x-csv-columns'].map((column: { name: string }) => column.name)).toEqual(sent.text.split('\r\n')[0].split(','));
      expect(csv.description).toMatch(/^Columns: purchase_order_id, status, .*, etag\. /);
      // Each column has the type of the JSON field it holds; a null is an empty cell.
      const columns = Object.fromEntries(csv['x-csv-columns'].map((column: { name: string }) => [column.name, column]));
      expect(columns.quantity).toEqual({ name: 'quantity', schema: { type: 'number' } });
      expect(columns.supplier_sku.schema).toEqual({ type: ['string', 'null'] });
      expect(Object.keys(pull.headers)).toEqual(['X-Next-Cursor', 'X-Has-More']);
      expect(sent.headers['x-has-more']).toBe('false');

      const ack = paths['/purchase-orders/suggested/{id}/ack'].post;
      expect(ack.parameters.filter((p: { in: string }) => p.in === 'header')).toEqual([
        expect.objectContaining({ name: 'Idempotency-Key', required: true, schema: expect.objectContaining({ type: 'string' }) }),
        expect.objectContaining({ name: 'If-Match', required: true, schema: { type: 'string' } }),
      ]);
      expect(paths['/recommendations/{id}'].get.responses['200'].headers.ETag).toMatchObject({ required: true, schema: { type: 'string' } });
      expect(paths['/recommendations/{id}'].patch.responses['200'].headers.ETag).toBeDefined();
      expect(paths['/runs'].post.responses['202'].headers.Location).toBeDefined();
      expect(paths['/keys'].post.responses['201'].headers.Location).toBeDefined();
    });

    it('stays a valid OpenAPI 3.1 document', async () => {
      const document = (await request(t.app).get('/openapi.json').expect(200)).body;
      expect(openApiProblems(document)).toEqual([]);
      // The check finds what it looks for.
      const broken = structuredClone(document);
      broken.paths['/recommendations/{id}'].get.parameters = [];
      broken.paths['/sources'].get.responses['200'].content['text/csv'] = { schema: {}, columns: [] };
      broken.paths['/keys'].post.responses['201'].headers.Location = { name: 'Location', in: 'header', schema: {} };
      expect(openApiProblems(broken).sort()).toEqual([
        'get /recommendations/{id}: path parameter id is not declared',
        'get /sources response 200 text/csv: unknown field columns',
        'post /keys response 201 header Location: unknown field in',
        'post /keys response 201 header Location: unknown field name',
      ]);
    });

    it('marks bodies required unless the route takes none, and gives each success its real media types', async () => {
      const { paths } = (await request(t.app).get('/openapi.json').expect(200)).body;
      expect(paths['/runs'].post.requestBody.required).toBe(false);
      expect(paths['/recommendations/{id}'].patch.requestBody.required).toBe(true);
      expect(Object.keys(paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain']);
      expect(Object.keys(paths['/docs'].get.responses['200'].content)).toEqual(['text/html']);
      expect(Object.keys(paths['/skus/{sku}'].get.responses['200'].content)).toEqual(['application/json']);
    });

    it('serves a self-contained HTML page listing every documented route', async () => {
      const response = await request(t.app).get('/docs').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      for (const doc of routeDocs) expect(response.text).toContain(`<code>${doc.path.replace(/:(\w+)/g, '{$1}')}</code>`);
      expect(response.text).not.toMatch(/<script|<link|src="http/);
    });

    it('shows on the page each body and answer per media type: CSV columns, JSON schemas, request and response headers', async () => {
      const page = (await request(t.app).get('/docs').expect(200)).text;
      const section = (id: string) => page.slice(page.indexOf(`<section id="${id}">`), page.indexOf('</section>', page.indexOf(`<section id="${id}">`)));
      const orders = section('post/imports/purchase-orders');
      expect(orders).toContain('<h4><code>application/json</code></h4>');
      expect(orders).toContain('<h4><code>text/csv</code></h4>');
      const csvTable = orders.slice(orders.indexOf('<table class="csv">'));
      for (const { name } of csvColumns('purchase-orders')) expect(csvTable).toContain(`<td><code>${name}</code></td>`);
      expect(csvTable).toContain('<tr><td><code>line_external_id</code></td><td>yes</td>');
      const pull = section('get/purchase-orders/suggested');
      expect(pull).toContain('<summary><code>text/csv</code></summary>');
      expect(pull).toContain('<td><code>erp_po_number</code></td>');
      expect(pull).toContain('header <code>X-Next-Cursor</code>');
      const ack = section('post/purchase-orders/suggested/{id}/ack');
      expect(ack).toContain('<td><code>Idempotency-Key</code></td><td>header</td><td>yes</td>');
      expect(ack).toContain('<td><code>If-Match</code></td><td>header</td><td>yes</td>');
      expect(section('get/recommendations/{id}')).toContain('header <code>ETag</code>');
    });
  });
});

/**
 * Problems that make an OpenAPI 3.1 document invalid, for the parts this API uses (no validator package is installed):
 * the fields each object may have (x- extensions aside), path templates matched by path parameters, unique
 * parameters, media types and $refs that resolve. Names the place of each problem.
 */
function openApiProblems(document: Record<string, any>): string[] {
  const problems: string[] = [];
  const only = (where: string, object: Record<string, unknown>, allowed: string[]) => {
    for (const key of Object.keys(object)) if (!allowed.includes(key) && !key.startsWith('x-')) problems.push(`${where}: unknown field ${key}`);
  };
  const need = (where: string, ok: boolean, what: string) => void (ok || problems.push(`${where}: ${what}`));
  const isSchema = (schema: unknown) => typeof schema === 'object' && schema !== null && !Array.isArray(schema);
  const refs = (value: unknown, where: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => refs(item, where));
    if (!isSchema(value)) return;
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const target = ref.replace(/^#\//, '').split('/').reduce<any>((node, part) => node?.[part], document);
      need(where, ref.startsWith('#/') && target !== undefined, `$ref ${ref} does not resolve`);
    }
    Object.values(value as object).forEach((child) => refs(child, where));
  };
  const mediaTypes = (where: string, content: Record<string, Record<string, unknown>>) => {
    need(where, isSchema(content), 'content must be an object');
    for (const [type, media] of Object.entries(content ?? {})) {
      need(`${where} ${type}`, /^[\w.+-]+\/[\w.+-]+$/.test(type), 'not a media type');
      only(`${where} ${type}`, media, ['schema', 'example', 'examples', 'encoding']);
      if ('schema' in media) need(`${where} ${type}`, isSchema(media.schema), 'schema must be an object');
    }
  };

  only('document', document, ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs']);
  need('openapi', /^3\.1\.\d+$/.test(document.openapi), 'must be 3.1.x');
  need('info', typeof document.info?.title === 'string' && typeof document.info?.version === 'string', 'title and version are required');
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
    need(path, path.startsWith('/'), 'a path starts with /');
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method} ${path}`;
      need(where, ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method), 'not an HTTP method');
      only(where, operation, ['tags', 'summary', 'description', 'externalDocs', 'operationId', 'parameters', 'requestBody', 'responses', 'callbacks', 'deprecated', 'security', 'servers']);
      const parameters: Array<Record<string, any>> = operation.parameters ?? [];
      const seen = new Set<string>();
      for (const parameter of parameters) {
        const at = `${where} parameter ${parameter.name}`;
        only(at, parameter, ['name', 'in', 'description', 'required', 'deprecated', 'allowEmptyValue', 'style', 'explode', 'allowReserved', 'schema', 'example', 'examples', 'content']);
        need(at, ['path', 'query', 'header', 'cookie'].includes(parameter.in), `in ${parameter.in} is not path, query, header or cookie`);
        need(at, isSchema(parameter.schema), 'needs a schema');
        need(at, !seen.has(`${parameter.in} ${parameter.name}`), 'declared twice');
        seen.add(`${parameter.in} ${parameter.name}`);
        if (parameter.in === 'path') need(at, parameter.required === true && templated.includes(parameter.name), 'a path parameter is required and in the path');
        if (parameter.in === 'header') need(at, !['accept', 'content-type', 'authorization'].includes(String(parameter.name).toLowerCase()), 'this header is ignored by OpenAPI');
      }
      for (const name of templated) need(where, parameters.some((p) => p.in === 'path' && p.name === name), `path parameter ${name} is not declared`);
      if (operation.requestBody) {
        only(`${where} body`, operation.requestBody, ['description', 'content', 'required']);
        need(`${where} body`, Object.keys(operation.requestBody.content ?? {}).length > 0, 'a body needs content');
        mediaTypes(`${where} body`, operation.requestBody.content);
      }
      need(where, Object.keys(operation.responses ?? {}).length > 0, 'needs responses');
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        const at = `${where} response ${status}`;
        need(at, /^([1-5]\d\d|[1-5]XX|default)$/.test(status), 'not a status code');
        if (response.$ref) continue;
        only(at, response, ['description', 'headers', 'content', 'links']);
        need(at, typeof response.description === 'string', 'needs a description');
        if (response.content) mediaTypes(at, response.content);
        for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, any>)) {
          only(`${at} header ${name}`, header, ['description', 'required', 'deprecated', 'style', 'explode', 'schema', 'example', 'examples', 'content']);
          need(`${at} header ${name}`, name.toLowerCase() !== 'content-type', 'Content-Type is ignored as a response header');
        }
      }
      refs(operation, where);
    }
  }
  return problems;
}
