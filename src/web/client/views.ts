/// <reference lib="dom" />
import { call, query } from './api';
import { announce, byId, h } from './dom';
import * as format from './format';
import type { BackorderPage, DraftOrderList, Location, SupplierLeadTimes } from './types';

/** A table with a header row; `cells` per row, numbers right-aligned by the column's class. */
function table(label: string, columns: Array<{ name: string; number?: boolean }>, rows: Array<Array<Node | string>>, empty: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `${label} (scrolls)` },
    h(
      'table',
      { 'aria-label': label },
      h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col', class: column.number ? 'number' : '' }, column.name)))),
      h(
        'tbody',
        {},
        ...(rows.length
          ? rows.map((cells) => h('tr', {}, ...cells.map((cell, index) => h('td', { class: columns[index].number ? 'number' : '', 'data-label': columns[index].name }, cell))))
          : [h('tr', {}, h('td', { colspan: columns.length }, empty))]),
      ),
    ),
  );
}

/** Draft orders: one row per supplier × location with its lines, value, minimum order value, shortfall and pull-forward. */
export async function showDraftOrders(onReview: (supplierId: number, locationId: number) => void): Promise<void> {
  const view = byId('view-draft-orders');
  try {
    const { body } = await call<DraftOrderList>('GET', '/draft-orders');
    view.replaceChildren(
      h('h2', {}, 'Draft purchase orders'),
      h('p', { class: 'hint' }, `Run ${body.runId ?? '–'}: the lines proposed or approved, per supplier and location, in the supplier's currency (amounts of different currencies are not added up).`),
      table(
        'Draft orders',
        [
          { name: 'Supplier' },
          { name: 'Location' },
          { name: 'Lines', number: true },
          { name: 'To approve', number: true },
          { name: 'Value', number: true },
          { name: 'Minimum', number: true },
          { name: 'Shortfall', number: true },
          { name: 'Pull forward' },
          { name: 'Order' },
        ],
        body.data.map((order) => {
          const money = (value: number | null) => format.money(value, order.currency);
          const suggested = order.pullForward.filter((entry) => entry.suggested);
          return [
            order.supplierName,
            order.locationCode,
            String(order.lineCount),
            String(order.proposedCount),
            money(order.orderValue),
            money(order.minimumOrderValue),
            h('span', { class: order.shortfall > 0 ? 'warn' : '' }, order.shortfall > 0 ? money(order.shortfall) : 'none'),
            suggested.length ? suggested.map((entry) => `${format.quantity(entry.quantity)} × ${entry.sku}`).join(', ') : '–',
            h('button', { type: 'button', onclick: () => onReview(order.supplierId, order.locationId) }, `Review ${order.supplierName} at ${order.locationCode}…`),
          ];
        }),
        'No draft orders in this run.',
      ),
    );
  } catch (error) {
    announce(`Could not load the draft orders: ${(error as Error).message}`, 'error');
  }
}

/** Backorders: each backordered sales-order line with its ETA, late-case ETA, status and reason, filterable by customer. */
export function createBackorders(locations: Location[]): { show(): Promise<void> } {
  const view = byId('view-backorders');
  const customer = h('input', { id: 'backorder-customer', type: 'search', maxlength: 200 });
  const status = h('select', { id: 'backorder-status' }, ...['', 'covered', 'partial', 'uncovered'].map((value) => h('option', { value }, value || 'all')));
  const location = h('select', { id: 'backorder-location' }, h('option', { value: '' }, 'all'), ...locations.map((entry) => h('option', { value: entry.id }, entry.code)));
  const results = h('div', { id: 'backorder-results' });
  const more = h('button', { type: 'button', hidden: true }, 'More lines');
  let cursor: string | null = null;
  let shown: Array<Array<Node | string>> = [];
  let loadToken = 0;

  async function load(reset: boolean): Promise<void> {
    const token = ++loadToken;
    try {
      const { body } = await call<BackorderPage>(
        'GET',
        `/backorders${query({ customer: customer.value.trim(), status: status.value, locationId: location.value, limit: 100, cursor: reset ? null : cursor })}`,
      );
      // A newer search answered or is on its way: this answer is stale.
      if (token !== loadToken) return;
      shown = [
        ...(reset ? [] : shown),
        ...body.data.map((line) => [
          `${line.salesOrderReference} / ${line.salesOrderLineReference}`,
          line.customerRef,
          line.sku,
          line.locationCode,
          format.quantity(line.quantityBackordered),
          format.quantity(line.quantityUncovered),
          format.shortDate(line.promisedDate),
          format.shortDate(line.eta),
          format.shortDate(line.etaLateCase),
          h('span', { class: `badge backorder ${line.status}` }, line.status),
          line.uncoveredMessage ?? (line.quantityAwaitingApproval ? `${format.quantity(line.quantityAwaitingApproval)} await approval` : '–'),
        ]),
      ];
      cursor = body.nextCursor;
      more.hidden = cursor === null;
      results.replaceChildren(
        table(
          'Backorders',
          [
            { name: 'Sales order / line' },
            { name: 'Customer' },
            { name: 'SKU' },
            { name: 'Location' },
            { name: 'Backordered', number: true },
            { name: 'Uncovered', number: true },
            { name: 'Promised' },
            { name: 'ETA' },
            { name: 'Late-case ETA' },
            { name: 'Status' },
            { name: 'Reason' },
          ],
          shown,
          'No backordered lines match.',
        ),
      );
    } catch (error) {
      announce(`Could not load the backorders: ${(error as Error).message}`, 'error');
    }
  }

  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Find backorders', onsubmit: (event: Event) => (event.preventDefault(), void load(true)) },
    h('div', {}, h('label', { for: 'backorder-customer' }, 'Customer'), customer),
    h('div', {}, h('label', { for: 'backorder-status' }, 'Coverage'), status),
    h('div', {}, h('label', { for: 'backorder-location' }, 'Warehouse'), location),
    h('div', { class: 'exports' }, h('span', { class: 'label' }, ' '), h('button', { type: 'submit' }, 'Find')),
  );
  filters.addEventListener('change', () => void load(true));
  more.addEventListener('click', () => void load(false));
  view.replaceChildren(h('h2', {}, 'Backorders'), h('p', { class: 'hint' }, "ETA: when the incoming supply fills the line at the supplier's usual lateness; late case: 9 deliveries in 10 arrive by then."), filters, results, more);
  return { show: () => load(true) };
}

/** Suppliers: promised against actual lead time, on-time rate and the lateness trend per month. */
export async function showSuppliers(): Promise<void> {
  const view = byId('view-suppliers');
  try {
    const { body } = await call<SupplierLeadTimes>('GET', `/suppliers/lead-times${query({ months: 12 })}`);
    view.replaceChildren(
      h('h2', {}, 'Suppliers'),
      h('p', { class: 'hint' }, `Receipts of the ${body.months} months to ${format.shortDate(body.endDate)}. Lateness: days received after the promise (negative: early).`),
      table(
        'Supplier lead times',
        [
          { name: 'Supplier' },
          { name: 'Currency' },
          { name: 'Items', number: true },
          { name: 'Receipts', number: true },
          { name: 'Promised', number: true },
          { name: 'Actual', number: true },
          { name: '9 in 10 within', number: true },
          { name: 'Late by', number: true },
          { name: 'On time', number: true },
          { name: 'Lateness by month' },
        ],
        body.data.map((supplier) => [
          supplier.name,
          supplier.currency,
          String(supplier.itemCount),
          String(supplier.receiptCount),
          format.days(supplier.promisedMeanDays),
          format.days(supplier.actualMeanDays),
          format.days(supplier.actualP90Days),
          format.days(supplier.meanLatenessDays),
          format.percent(supplier.onTimeRate),
          latenessTrend(supplier),
        ]),
        'No suppliers.',
      ),
    );
  } catch (error) {
    announce(`Could not load the suppliers: ${(error as Error).message}`, 'error');
  }
}

/** Mean lateness per month as small bars (late up, early down from the middle line), and the API's trend in words. */
function latenessTrend(supplier: SupplierLeadTimes['data'][number]): Node {
  const shown = supplier.months.filter((month) => month.meanLatenessDays !== null);
  if (shown.length === 0) return document.createTextNode('–');
  const largest = Math.max(1, ...shown.map((month) => Math.abs(month.meanLatenessDays!)));
  const label = shown.map((month) => `${format.monthName(Number(month.month.slice(5)) - 1)} ${format.days(month.meanLatenessDays)}`).join(', ');
  const direction = format.trendWords(supplier.latenessTrendDaysPerMonth, supplier.meanLatenessDays);
  return h(
    'span',
    { class: 'trend', role: 'img', 'aria-label': `Lateness by month, ${direction}: ${label}` },
    ...shown.map((month) =>
      h('span', {
        class: `bar ${month.meanLatenessDays! > 0 ? 'late' : 'early'}`,
        style: `height: ${Math.max(2, (Math.abs(month.meanLatenessDays!) / largest) * 11)}px`,
        title: `${month.month}: ${format.days(month.meanLatenessDays)}, ${month.receiptCount} receipts`,
      }),
    ),
    h('span', { class: 'trend-word' }, direction),
  );
}
