/// <reference lib="dom" />
import { call, download, query } from './api';
import { announce, byId, h } from './dom';
import * as format from './format';
import type { BulkDecision, DraftOrder } from './types';

/**
 * Approving a whole draft order asks first: a modal dialog with the order's lines, its total, the supplier's minimum
 * order value and any shortfall (with the items that could be pulled forward), then approves exactly the proposed
 * lines shown, each at the version shown: a line someone changed meanwhile is left and reported.
 */
export async function reviewDraftOrder(supplierId: number, locationId: number, options: { canDecide: boolean; onApproved(): void }): Promise<void> {
  const dialog = byId<HTMLDialogElement>('confirm');
  let order: DraftOrder;
  try {
    order = (await call<DraftOrder>('GET', `/draft-orders/${supplierId}/${locationId}`)).body;
  } catch (error) {
    announce(`Could not load the draft order: ${(error as Error).message}`, 'error');
    return;
  }
  const proposed = order.lines.filter((line) => line.status === 'proposed');
  const money = (value: number | null) => format.money(value, order.currency);
  const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, proposed.length && options.canDecide ? 'Cancel' : 'Close');
  const approve = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      onclick: async () => {
        try {
          const { body } = await call<BulkDecision>('POST', '/recommendations/decisions', {
            body: { action: 'approve', lines: proposed.map((line) => ({ id: line.recommendationId, version: line.version })) },
          });
          dialog.close();
          const skipped = body.skipped.length ? `; ${body.skipped.length} changed meanwhile and left as they were` : '';
          announce(`Approved ${body.applied.length} lines of the draft order of ${order.supplierName} at ${order.locationCode}${skipped}.`);
          options.onApproved();
        } catch (error) {
          announce(`Not approved: ${(error as Error).message}`, 'error');
        }
      },
    },
    `Approve ${proposed.length} line${proposed.length === 1 ? "" : "s"}`,
  );
  const exportButton = (kind: 'csv' | 'xlsx') =>
    h('button', { type: 'button', onclick: () => void download(`/draft-orders/${supplierId}/${locationId}${query({ runId: order.runId, format: kind })}`).then((name) => announce(`Exported ${name}.`)) }, kind.toUpperCase());
  const suggested = order.pullForward.filter((entry) => entry.suggested);
  const parts: Array<HTMLElement | null> = [
    h('h2', { id: 'confirm-title' }, `Draft order: ${order.supplierName} at ${order.locationCode}`),
    h(
      'dl',
      { class: 'key-numbers' },
      h('div', {}, h('dt', {}, 'Lines'), h('dd', {}, h('span', { class: 'value' }, String(order.lineCount)), h('span', { class: 'note' }, `${order.proposedCount} to approve, ${order.approvedCount} approved`))),
      h('div', {}, h('dt', {}, 'Order value'), h('dd', { 'data-testid': 'order-value' }, h('span', { class: 'value' }, money(order.orderValue)))),
      h('div', {}, h('dt', {}, 'Minimum order value'), h('dd', {}, h('span', { class: 'value' }, money(order.minimumOrderValue)))),
      h('div', {}, h('dt', {}, 'Shortfall'), h('dd', { 'data-testid': 'shortfall' }, h('span', { class: `value${order.shortfall > 0 ? ' warn' : ''}` }, order.shortfall > 0 ? money(order.shortfall) : 'none'))),
    ),
    order.shortfall > 0
      ? h(
          'p',
          { class: 'warnings', role: 'alert' },
          `This order is ${money(order.shortfall)} below the supplier's minimum order value.` +
            (suggested.length ? ` Pulling forward ${suggested.map((entry) => `${format.quantity(entry.quantity)} × ${entry.sku}`).join(', ')} would close it.` : ''),
        )
      : null,
    h(
      'div',
      { class: 'dialog-table' },
      h(
        'table',
        { 'aria-label': 'Lines of the draft order' },
        h('thead', {}, h('tr', {}, ...['SKU', 'Description', 'Status', 'Qty', 'Unit cost', 'Value'].map((name, index) => h('th', { scope: 'col', class: index >= 3 ? 'number' : '' }, name)))),
        h(
          'tbody',
          {},
          ...order.lines.map((line) =>
            h(
              'tr',
              {},
              h('td', {}, line.sku),
              h('td', {}, line.description),
              h('td', {}, line.status),
              h('td', { class: 'number' }, format.quantity(line.quantity)),
              h('td', { class: 'number' }, money(line.unitCost)),
              h('td', { class: 'number' }, money(line.lineValue)),
            ),
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'row dialog-actions' },
      ...(options.canDecide && proposed.length ? [approve] : []),
      cancel,
      h('span', { class: 'hint' }, 'Export:'),
      exportButton('csv'),
      exportButton('xlsx'),
    ),
  ];
  dialog.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
  dialog.showModal();
}
