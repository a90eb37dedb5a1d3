import request from 'supertest';
import { processors } from '../../../jobs/processors';
import { receiptAllocationResponse } from '../../../src/http/routes/receipts';
import { createWebhookService } from '../../../src/services/webhook-service';
import { testEngines } from '../../helpers/database';
import { expectShape, insertItem, insertLocation, openTestApp, type TestApp } from '../../helpers/catalogue';
import { Receiver } from './receiver';

/*
 * Item RC-A at DC-R, waiting lines in priority order (first promised first served; no promise: the order date):
 *   SO-R3 line (promised 11-04) 3, SO-R1 line (no promise, ordered 11-05) 4, SO-R2 line (promised 11-10) 5.
 * Receipt RC-1 of 6 units: SO-R3 3, SO-R1 3, nothing to stock. Receipt RC-2 of 10: SO-R1 its last 1, SO-R2 5, 4 to stock.
 */
describe.each(testEngines())('receipts matched to waiting orders on %s', (engine) => {
  let t: TestApp;
  let receiver: Receiver;
  const erp = (url: string) => request(t.app).post(url).set('Authorization', `Bearer ${t.keys.erp}`);
  const read = (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${t.keys.viewer}`);
  const deliver = () => processors['deliver-webhooks']({}, { webhooks: createWebhookService({ db: t.db, now: () => new Date(Date.now() + 1000) }) });

  beforeAll(async () => {
    t = await openTestApp(engine);
    receiver = new Receiver();
    const url = await receiver.start();
    await insertLocation(t.db, 'DC-R');
    await insertItem(t.db, { sku: 'RC-A' });
    await t.db.raw(`insert into suppliers (external_id, name) values ('SUP-R', 'Receipts supplier')`);
    const created = await request(t.app).post('/webhooks').set('Authorization', `Bearer ${t.keys.admin}`).send({ url, events: ['backorder.ready_to_ship'] }).expect(201);
    receiver.secret = created.body.secret;

    const order = (externalId: string, orderDate: string, quantity: number, promisedDate?: string) => ({
      externalId,
      customerRef: `CUST-${externalId}`,
      location: 'DC-R',
      orderDate,
      ...(promisedDate && { promisedDate }),
      lines: [{ externalId: `${externalId}-1`, sku: 'RC-A', quantityOrdered: quantity, quantityBackordered: quantity }],
    });
    await erp('/imports/sales-orders').send([order('SO-R1', '2026-11-05', 4), order('SO-R2', '2026-11-01', 5, '2026-11-10'), order('SO-R3', '2026-11-02', 3, '2026-11-04')]).expect(200);
    await erp('/imports/purchase-orders')
      .send([{ externalId: 'PO-R', supplier: 'SUP-R', location: 'DC-R', orderDate: '2026-10-01', lines: [{ externalId: 'PO-R-1', sku: 'RC-A', quantityOrdered: 30 }] }])
      .expect(200);
  });
  afterAll(async () => {
    await receiver.close();
    await t.testDb.drop();
  });

  it('rejects a receipt for an unknown purchase-order line with the row and field, and stores nothing', async () => {
    const response = await erp('/imports/receipts').send([{ externalId: 'RC-X', purchaseOrder: 'PO-R', purchaseOrderLine: 'PO-R-9', receivedDate: '2026-11-20', quantity: 5 }]).expect(422);
    expect(response.body.error.details).toEqual([{ row: 1, field: 'purchaseOrderLine', reason: 'unknown line PO-R-9 on purchase order PO-R' }]);
    await read('/receipts/RC-X/allocation').expect(404);
    expect(Number((await t.db.raw('select count(*) as n from receipt_allocations')).rows[0].n)).toBe(0);
  });

  it('allocates a pushed receipt at once, first promised first served, and sends backorder.ready_to_ship per line', async () => {
    await erp('/imports/receipts').send([{ externalId: 'RC-1', purchaseOrder: 'PO-R', purchaseOrderLine: 'PO-R-1', receivedDate: '2026-11-20', quantity: 6 }]).expect(200);
    const allocation = (await read('/receipts/RC-1/allocation').expect(200)).body;
    expectShape(receiptAllocationResponse, allocation);
    expect(allocation).toMatchObject({ receiptReference: 'RC-1', purchaseOrderReference: 'PO-R', sku: 'RC-A', quantity: 6, quantityAllocated: 6, quantityToStock: 0 });
    expect(allocation.lines.map((line: { sequence: number; salesOrderReference: string; quantity: number }) => [line.sequence, line.salesOrderReference, line.quantity])).toEqual([
      [1, 'SO-R3', 3],
      [2, 'SO-R1', 3],
    ]);

    await deliver();
    expect(receiver.received.map((event) => [event.type, event.data.salesOrder, event.data.quantity, event.verified])).toEqual([
      ['backorder.ready_to_ship', 'SO-R3', 3, true],
      ['backorder.ready_to_ship', 'SO-R1', 3, true],
    ]);
    expect(receiver.received[0].data).toMatchObject({ receipt: 'RC-1', purchaseOrder: 'PO-R', customerRef: 'CUST-SO-R3', sku: 'RC-A', location: 'DC-R', sequence: 1 });
  });

  it('gives the next receipt only what lines still wait for, and re-importing a receipt allocates nothing twice', async () => {
    const receipt = { externalId: 'RC-2', purchaseOrder: 'PO-R', purchaseOrderLine: 'PO-R-1', receivedDate: '2026-11-21', quantity: 10 };
    // A pull imports inside its own transaction (with its cursor): the same allocation runs there.
    await t.db.transaction((trx) => t.services.imports.importRecords('receipts', { format: 'json', body: [receipt], partial: false, trx }));
    await erp('/imports/receipts').send([receipt]).expect(200);
    const allocation = (await read('/receipts/RC-2/allocation').expect(200)).body;
    expect(allocation).toMatchObject({ quantityAllocated: 6, quantityToStock: 4 });
    expect(allocation.lines.map((line: { salesOrderReference: string; quantity: number }) => [line.salesOrderReference, line.quantity])).toEqual([
      ['SO-R1', 1],
      ['SO-R2', 5],
    ]);

    const csv = await read('/receipts/RC-2/allocation').set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toBe(
      'sequence,receipt,sales_order,sales_order_line,customer,sku,quantity,promised_date\r\n' +
        '1,RC-2,SO-R1,SO-R1-1,CUST-SO-R1,RC-A,1,\r\n' +
        '2,RC-2,SO-R2,SO-R2-1,CUST-SO-R2,RC-A,5,2026-11-10\r\n',
    );
  });

  it('counts what the ERP shipped: once a line comes back with a smaller backorder, earlier allocations to it are spent', async () => {
    // The ERP shipped SO-R2's 5 and sends it again with 2 more backordered (a new shortfall on the same line).
    await erp('/imports/sales-orders')
      .send([{ externalId: 'SO-R2', customerRef: 'CUST-SO-R2', location: 'DC-R', orderDate: '2026-11-01', promisedDate: '2026-11-10', lines: [{ externalId: 'SO-R2-1', sku: 'RC-A', quantityOrdered: 7, quantityShipped: 5, quantityBackordered: 2 }] }])
      .expect(200);
    await erp('/imports/receipts').send([{ externalId: 'RC-3', purchaseOrder: 'PO-R', purchaseOrderLine: 'PO-R-1', receivedDate: '2026-11-22', quantity: 2 }]).expect(200);
    const allocation = (await read('/receipts/RC-3/allocation?format=csv').expect(200)).text;
    expect(allocation.split('\r\n')[1]).toBe('1,RC-3,SO-R2,SO-R2-1,CUST-SO-R2,RC-A,2,2026-11-10');
  });
});
