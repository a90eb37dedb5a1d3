/// <reference lib="dom" />
import { ApiError, call, query } from './api';
import { demandChart, drawResponsive, protectionChart, stockChart } from './chart';
import { announce, byId, h } from './dom';
import { explanationNotes, explanationSections, summaryOf } from './explanation';
import * as format from './format';
import {
  allowedFrom,
  QUANTITY_REASON_ABOVE_SUGGESTION,
  rejectReasons,
  type Recommendation,
  type RecommendationDetail,
  type RecommendationEvent,
  type SkuDetail,
  type Supplier,
} from './types';

type Change =
  | { action: 'approve' }
  | { action: 'undo' }
  | { action: 'reject'; reasonCode: string; note?: string }
  | { action: 'set-quantity'; quantity: number; reason?: string };

export interface DetailOptions {
  suppliers: Supplier[];
  canDecide: boolean;
  onChanged(recommendation: Recommendation): void;
  /** The panel closed on the line with this id (focus goes back to it in the table). */
  onClosed(id: number): void;
  onReviewDraftOrder(supplierId: number, locationId: number): void;
}

export interface DetailView {
  open(id: number, options?: { focus?: boolean }): Promise<void>;
  /** The line shown, if any, so the list can reopen it after a bulk change. */
  shownId(): number | null;
}

const doneText: Record<Change['action'], string> = { approve: 'Approved', undo: 'Back to proposed', reject: 'Rejected', 'set-quantity': 'Quantity set' };

/**
 * One recommendation in layers: the decision in one sentence and the numbers behind it, the buttons its status allows,
 * the projected stock and the weekly demand as charts, the whole derivation one click away, and its history with notes.
 * Beside the list on a wide screen, over it on a narrow one (styles.css); Escape or Close closes it.
 */
export function createDetail(options: DetailOptions): DetailView {
  const panel = byId('detail');
  const supplierNames = new Map(options.suppliers.map((supplier) => [supplier.id, supplier.name]));
  let shown: RecommendationDetail | null = null;
  let etag: string | null = null;
  let openToken = 0;
  let derivationOpen = false;

  async function open(id: number, { focus = false } = {}): Promise<void> {
    const token = ++openToken;
    try {
      const response = await call<RecommendationDetail>('GET', `/recommendations/${id}`);
      if (token !== openToken) return;
      show(response.body, response.etag);
      if (focus) panel.focus();
    } catch (error) {
      if (token === openToken) announce(`Could not open the recommendation: ${(error as Error).message}`, 'error');
    }
  }

  function show(detail: RecommendationDetail, newEtag: string | null, warnings: string[] = []): void {
    shown = detail;
    etag = newEtag;
    panel.hidden = false;
    document.body.classList.add('detail-open');
    const summary = summaryOf(detail);
    panel.replaceChildren(
      h(
        'div',
        { class: 'detail-head' },
        h('h2', { id: 'detail-title' }, `${detail.sku} at ${detail.locationCode}`),
        h('button', { type: 'button', class: 'close', onclick: close, 'aria-label': 'Close the detail' }, 'Close'),
      ),
      h('p', { class: 'description' }, detail.description),
      h(
        'p',
        { class: 'badges' },
        h('span', { class: `badge ${detail.urgency}` }, detail.urgency),
        h('span', { class: `shortage ${format.shortageGrade(detail.daysShort)}` }, format.shortage(detail.daysShort)),
        h('span', { class: 'badge status', 'data-testid': 'detail-status' }, detail.status),
        detail.decidedBy ? h('span', { class: 'hint' }, `by ${detail.decidedBy}${detail.reasonCode ? ` (${detail.reasonCode})` : ''}`) : null,
      ),
      h('p', { class: 'summary', 'data-testid': 'summary' }, summary.sentence),
      h(
        'dl',
        { class: 'key-numbers', 'aria-label': 'The numbers behind it' },
        ...summary.numbers.map((number) => h('div', {}, h('dt', {}, number.label), h('dd', {}, h('span', { class: 'value' }, number.value), h('span', { class: 'note' }, number.note)))),
      ),
      ...(warnings.length ? [h('ul', { class: 'warnings', role: 'alert' }, ...warnings.map((warning) => h('li', {}, warning)))] : []),
      ...(options.canDecide ? [actions(detail)] : []),
      orderLine(detail),
      h('h3', {}, 'Projected stock'),
      h('div', { id: 'stock-chart', class: 'chart-box' }, detail.projection ? null : h('p', { class: 'hint' }, 'No projection for this line (no forecast).')),
      h('h3', {}, 'Weekly demand and forecast'),
      h('div', { id: 'demand-chart', class: 'chart-box' }, h('p', { class: 'hint' }, 'Loading…')),
      ...(detail.protectionDemand
        ? [h('h3', {}, 'Demand over lead time and review: what the level covers'), h('div', { id: 'protection-chart', class: 'protection-box' })]
        : []),
      derivation(detail),
      history(detail),
    );
    if (detail.projection) drawResponsive(byId('stock-chart'), (width) => stockChart(detail.projection!, width));
    const periodDays = typeof detail.explanation.periodDays === 'number' ? detail.explanation.periodDays : 7;
    if (detail.protectionDemand) drawResponsive(byId('protection-chart'), (width) => protectionChart(detail.protectionDemand!, width, periodDays));
    void loadDemand(detail, openToken);
  }

  function orderLine(detail: RecommendationDetail): HTMLElement {
    const row = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
    return h(
      'section',
      { 'aria-label': 'The order line' },
      h('h3', {}, 'The order line'),
      h(
        'dl',
        { class: 'facts' },
        ...row('Quantity', `${format.quantity(detail.quantity)}${detail.quantity !== detail.suggestedQuantity ? ` (suggested ${format.quantity(detail.suggestedQuantity)})` : ''}`),
        ...row('Unit cost', format.money(detail.unitCost, detail.currency)),
        ...row('Value', format.money(detail.lineValue, detail.currency)),
        ...row('Supplier', `${detail.supplierName ?? 'no supplier'}${detail.supplierSku ? ` (their SKU ${detail.supplierSku})` : ''}`),
        ...row('MOQ / multiple', `${format.quantity(detail.moq)} / ${format.quantity(detail.orderMultiple)}`),
        ...row('On hand / on order / backordered', `${format.quantity(detail.onHand)} / ${format.quantity(detail.onOrder)} / ${format.quantity(detail.backordered)}`),
        ...row('Need by', format.date(detail.needByDate)),
        ...row('ABC class', detail.abcClass ?? '–'),
      ),
    );
  }

  function actions(detail: RecommendationDetail): HTMLElement {
    const allowed = (action: keyof typeof allowedFrom) => allowedFrom[action].includes(detail.status);
    const reason = h('select', { id: 'reject-reason' }, ...rejectReasons.map((code) => h('option', { value: code }, code)));
    const note = h('input', { id: 'reject-note', type: 'text', maxlength: 500 });
    const quantity = h('input', { id: 'new-quantity', type: 'number', min: 0, step: 'any', value: detail.quantity });
    const quantityReason = h('input', { id: 'quantity-reason', type: 'text', maxlength: 500, 'aria-describedby': 'quantity-rule' });
    const rule = `A quantity below the MOQ (${format.quantity(detail.moq)}) or above ${QUANTITY_REASON_ABOVE_SUGGESTION} × the suggestion (${format.quantity(QUANTITY_REASON_ABOVE_SUGGESTION * detail.suggestedQuantity)}) needs a reason.`;
    const rows: Array<HTMLElement | null> = [];
    if (allowed('approve') || allowed('reject')) {
      rows.push(
        h('div', { class: 'row' }, h('button', { type: 'button', class: 'primary', onclick: () => decide({ action: 'approve' }) }, 'Approve')),
        h(
          'div',
          { class: 'row' },
          h('label', { for: 'reject-reason' }, 'Reason'),
          reason,
          h('label', { for: 'reject-note' }, 'Note'),
          note,
          h('button', { type: 'button', onclick: () => decide({ action: 'reject', reasonCode: reason.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) }) }, 'Reject'),
        ),
      );
    }
    if (allowed('undo')) {
      rows.push(h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => decide({ action: 'undo' }) }, detail.status === 'approved' ? 'Undo approval' : 'Undo rejection')));
    }
    if (allowed('set-quantity')) {
      rows.push(
        h(
          'form',
          {
            class: 'row',
            onsubmit: (event: Event) => {
              event.preventDefault();
              const value = Number(quantity.value);
              if (!(value > 0)) return announce('Enter a quantity above 0.', 'error');
              const needsReason = (detail.moq !== null && value < detail.moq) || value > QUANTITY_REASON_ABOVE_SUGGESTION * detail.suggestedQuantity;
              if (needsReason && !quantityReason.value.trim()) {
                quantityReason.focus();
                return announce(rule, 'error');
              }
              void decide({ action: 'set-quantity', quantity: value, ...(quantityReason.value.trim() ? { reason: quantityReason.value.trim() } : {}) });
            },
          },
          h('label', { for: 'new-quantity' }, 'Quantity'),
          quantity,
          h('label', { for: 'quantity-reason' }, 'Why'),
          quantityReason,
          h('button', { type: 'submit' }, 'Change quantity'),
          detail.quantity !== detail.suggestedQuantity
            ? h('button', { type: 'button', onclick: () => decide({ action: 'set-quantity', quantity: detail.suggestedQuantity, reason: 'back to the suggestion' }) }, `Reset to ${format.quantity(detail.suggestedQuantity)}`)
            : null,
          h('span', { class: 'hint', id: 'quantity-rule' }, rule),
        ),
      );
    }
    if (detail.status === 'exported') rows.push(h('p', { class: 'hint' }, 'Exported to the ERP: this line can no longer change.'));
    if (detail.supplierId !== null && detail.status !== 'exported') {
      rows.push(
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', onclick: () => options.onReviewDraftOrder(detail.supplierId as number, detail.locationId) }, `Review the draft order of ${detail.supplierName ?? 'this supplier'} at ${detail.locationCode}…`),
        ),
      );
    }
    return h('section', { class: 'actions', 'aria-label': 'Decision' }, ...rows);
  }

  async function decide(change: Change): Promise<void> {
    if (!shown || !etag) return;
    const id = shown.id;
    try {
      const response = await call<RecommendationDetail & { warnings: string[] }>('PATCH', `/recommendations/${id}`, { body: change, ifMatch: etag });
      const { warnings, ...detail } = response.body;
      show(detail, response.etag, warnings);
      const done = change.action === 'set-quantity' ? `Quantity set to ${format.quantity(detail.quantity)}` : doneText[change.action];
      announce(`${done}: ${detail.sku} at ${detail.locationCode}.${warnings.length ? ` ${warnings.join('; ')}.` : ''}`);
      options.onChanged(detail);
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        announce('Someone changed this line; reloaded. Check it and decide again.', 'error');
        await open(id);
        if (shown) options.onChanged(shown);
        return;
      }
      announce(`Not saved: ${(error as Error).message}`, 'error');
    }
  }

  function derivation(detail: RecommendationDetail): HTMLElement {
    const sections = explanationSections(detail.explanation, supplierNames);
    const notes = explanationNotes(detail.explanation);
    const body = h(
      'div',
      { id: 'derivation', hidden: !derivationOpen },
      ...sections.map((section) =>
        h(
          'section',
          { 'aria-label': section.title },
          h('h4', {}, section.title),
          h(
            'dl',
            { class: 'facts' },
            ...section.facts.flatMap((fact) => [
              h('dt', {}, fact.label),
              h('dd', {}, h('span', { class: 'value' }, fact.value), fact.formula ? h('span', { class: 'formula' }, fact.formula) : null),
            ]),
          ),
        ),
      ),
      ...(notes.length ? [h('h4', {}, 'Notes of the planner'), h('ul', { class: 'notes' }, ...notes.map((note) => h('li', {}, note)))] : []),
    );
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'link-button',
        'aria-expanded': String(derivationOpen),
        'aria-controls': 'derivation',
        onclick: () => {
          derivationOpen = !derivationOpen;
          body.hidden = !derivationOpen;
          toggle.setAttribute('aria-expanded', String(derivationOpen));
        },
      },
      'How the quantity was worked out',
    );
    return h('section', { class: 'derivation' }, h('h3', {}, toggle), body);
  }

  function history(detail: RecommendationDetail): HTMLElement {
    const text = (event: RecommendationEvent) =>
      event.action === 'note' ? `note: ${event.reason ?? ''}` : `${event.action}${event.reason ? ` (${event.reason})` : ''}`;
    const noteInput = h('textarea', { id: 'note-text', rows: 2, maxlength: 1000 });
    return h(
      'section',
      { 'aria-label': 'History and notes' },
      h('h3', {}, 'History and notes'),
      detail.events.length
        ? h(
            'ol',
            { class: 'events' },
            ...detail.events.map((event) => h('li', { class: event.action === 'note' ? 'note' : '' }, `${event.createdAt.slice(0, 16).replace('T', ' ')} ${event.actor}: ${text(event)}`)),
          )
        : h('p', { class: 'hint' }, 'No decision or note yet.'),
      options.canDecide
        ? h(
            'form',
            {
              class: 'row note-form',
              onsubmit: async (event: Event) => {
                event.preventDefault();
                if (!noteInput.value.trim() || !shown) return;
                try {
                  await call('POST', `/recommendations/${shown.id}/notes`, { body: { text: noteInput.value.trim() } });
                  announce(`Note added to ${shown.sku} at ${shown.locationCode}.`);
                  await open(shown.id);
                  if (shown) options.onChanged(shown);
                } catch (error) {
                  announce(`Note not saved: ${(error as Error).message}`, 'error');
                }
              },
            },
            h('label', { for: 'note-text' }, 'Add a note'),
            noteInput,
            h('button', { type: 'submit' }, 'Add note'),
          )
        : null,
    );
  }

  async function loadDemand(detail: RecommendationDetail, token: number): Promise<void> {
    try {
      const { body: sku } = await call<SkuDetail>('GET', `/skus/${encodeURIComponent(detail.sku)}${query({ historyWeeks: 52, runId: detail.runId })}`);
      const target = document.getElementById('demand-chart');
      if (token !== openToken || !target) return;
      const location = sku.locations.find((entry) => entry.locationId === detail.locationId);
      if (!location) return void target.replaceChildren(h('p', {}, 'No history at this location.'));
      drawResponsive(target, (width) =>
        demandChart(
          { weekEnds: sku.weekEnds, history: location.history.quantities, outOfStockDays: location.history.outOfStockDays, forecast: location.forecast?.periods ?? [], today: sku.asOfDate },
          width,
        ),
      );
    } catch (error) {
      const target = document.getElementById('demand-chart');
      if (token === openToken && target) target.replaceChildren(h('p', { class: 'error' }, `Could not load the history: ${(error as Error).message}`));
    }
  }

  function close(): void {
    const id = shown?.id;
    openToken++;
    shown = null;
    panel.hidden = true;
    document.body.classList.remove('detail-open');
    panel.replaceChildren();
    if (id !== undefined) options.onClosed(id);
  }

  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  return { open, shownId: () => shown?.id ?? null };
}
