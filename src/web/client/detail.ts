/// <reference lib="dom" />
import { ApiError, call, query } from './api';
import { demandChart } from './chart';
import { announce, byId, h } from './dom';
import { explanationNotes, explanationSections } from './explanation';
import * as format from './format';
import { allowedFrom, rejectReasons, type Recommendation, type RecommendationDetail, type SkuDetail, type Supplier } from './types';

type Change = { action: 'approve' } | { action: 'reject'; reasonCode: string; note?: string } | { action: 'set-quantity'; quantity: number };

export interface DetailOptions {
  suppliers: Supplier[];
  canDecide: boolean;
  onChanged(recommendation: Recommendation): void;
  /** The panel closed on the line with this id (focus goes back to it in the table). */
  onClosed(id: number): void;
  onApproveDraftOrder(supplierId: number, locationId: number): Promise<void>;
}

export interface DetailView {
  open(id: number, options?: { focus?: boolean }): Promise<void>;
  /** The line shown, if any, so the list can reopen it after a bulk change. */
  shownId(): number | null;
}

/**
 * One recommendation: the decision (with the actions a buyer may take), every number behind the quantity, the
 * SKU's weekly history and forecast at the line's location, and the line's history of decisions.
 */
export function createDetail(options: DetailOptions): DetailView {
  const panel = byId('detail');
  const supplierNames = new Map(options.suppliers.map((supplier) => [supplier.id, supplier.name]));
  let shown: RecommendationDetail | null = null;
  let etag: string | null = null;
  let openToken = 0;

  async function open(id: number, { focus = false } = {}): Promise<void> {
    const token = ++openToken;
    try {
      const response = await call<RecommendationDetail>('GET', `/recommendations/${id}`);
      if (token !== openToken) return;
      show(response.body, response.etag);
      if (focus) panel.focus();
      void loadChart(response.body, token);
    } catch (error) {
      if (token === openToken) announce(`Could not open the recommendation: ${(error as Error).message}`, 'error');
    }
  }

  function show(detail: RecommendationDetail, newEtag: string | null, warnings: string[] = []): void {
    shown = detail;
    etag = newEtag;
    panel.hidden = false;
    panel.replaceChildren(
      h('button', { type: 'button', class: 'close', onclick: close }, 'Close'),
      h('h2', { id: 'detail-title' }, `${detail.sku} at ${detail.locationCode}`),
      h('p', {}, detail.description),
      h(
        'p',
        {},
        h('span', { class: `badge ${detail.urgency}` }, detail.urgency),
        ' ',
        h('span', { class: 'badge status', 'data-testid': 'detail-status' }, detail.status),
        detail.decidedBy ? ` by ${detail.decidedBy}` : '',
        detail.reasonCode ? ` (${detail.reasonCode})` : '',
      ),
      decisionFacts(detail),
      ...(warnings.length ? [h('ul', { class: 'warnings', role: 'alert' }, ...warnings.map((warning) => h('li', {}, warning)))] : []),
      ...(options.canDecide ? [actions(detail)] : []),
      ...explanation(detail),
      h('h3', {}, 'Weekly history and forecast'),
      h('div', { id: 'detail-chart' }, h('p', { class: 'hint' }, 'Loading…')),
      events(detail),
    );
  }

  function decisionFacts(detail: RecommendationDetail): HTMLElement {
    const row = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
    return h(
      'dl',
      { class: 'facts', 'aria-label': 'The order line' },
      ...row('Quantity', `${format.quantity(detail.quantity)}${detail.quantity !== detail.suggestedQuantity ? ` (suggested ${format.quantity(detail.suggestedQuantity)})` : ''}`),
      ...row('Unit cost', format.money(detail.unitCost)),
      ...row('Value', format.money(detail.lineValue)),
      ...row('Supplier', detail.supplierName ?? 'no supplier'),
      ...row('MOQ / multiple', `${format.quantity(detail.moq)} / ${format.quantity(detail.orderMultiple)}`),
      ...row('Projected stock-out', format.date(detail.projectedStockoutDate)),
      ...row('Need by', format.date(detail.needByDate)),
      ...row('ABC class', detail.abcClass ?? '–'),
    );
  }

  function actions(detail: RecommendationDetail): HTMLElement {
    const allowed = (action: keyof typeof allowedFrom) => allowedFrom[action].includes(detail.status);
    const reason = h('select', { id: 'reject-reason' }, ...rejectReasons.map((code) => h('option', { value: code }, code)));
    const note = h('input', { id: 'reject-note', type: 'text', maxlength: 500 });
    const quantity = h('input', { id: 'new-quantity', type: 'number', min: 0, step: 'any', value: detail.quantity });
    return h(
      'section',
      { class: 'actions', 'aria-label': 'Decision' },
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'primary', disabled: !allowed('approve'), onclick: () => decide({ action: 'approve' }) }, 'Approve'),
      ),
      h(
        'div',
        { class: 'row' },
        h('label', { for: 'reject-reason' }, 'Reason'),
        reason,
        h('label', { for: 'reject-note' }, 'Note'),
        note,
        h(
          'button',
          {
            type: 'button',
            disabled: !allowed('reject'),
            onclick: () => decide({ action: 'reject', reasonCode: reason.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) }),
          },
          'Reject',
        ),
      ),
      h(
        'form',
        {
          class: 'row',
          onsubmit: (event: Event) => {
            event.preventDefault();
            const value = Number(quantity.value);
            if (!(value > 0)) return announce('Enter a quantity above 0.', 'error');
            void decide({ action: 'set-quantity', quantity: value });
          },
        },
        h('label', { for: 'new-quantity' }, 'Quantity'),
        quantity,
        h('button', { type: 'submit', disabled: !allowed('set-quantity') }, 'Change quantity'),
      ),
      detail.supplierId !== null
        ? h(
            'div',
            { class: 'row' },
            h(
              'button',
              { type: 'button', onclick: () => void options.onApproveDraftOrder(detail.supplierId as number, detail.locationId) },
              `Approve the whole draft order of ${detail.supplierName ?? 'this supplier'} at ${detail.locationCode}`,
            ),
          )
        : null,
    );
  }

  async function decide(change: Change): Promise<void> {
    if (!shown || !etag) return;
    const id = shown.id;
    try {
      const response = await call<RecommendationDetail & { warnings: string[] }>('PATCH', `/recommendations/${id}`, { body: change, ifMatch: etag });
      const { warnings, ...detail } = response.body;
      show(detail, response.etag, warnings);
      void loadChart(detail, openToken);
      const done = { approve: 'Approved', reject: 'Rejected', 'set-quantity': `Quantity set to ${format.quantity(detail.quantity)}` }[change.action];
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

  function explanation(detail: RecommendationDetail): HTMLElement[] {
    const sections = explanationSections(detail.explanation, supplierNames);
    const notes = explanationNotes(detail.explanation);
    return [
      ...sections.map((section) =>
        h(
          'section',
          { 'aria-label': section.title },
          h('h3', {}, section.title),
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
      ...(notes.length ? [h('h3', {}, 'Notes'), h('ul', { class: 'notes' }, ...notes.map((note) => h('li', {}, note)))] : []),
    ];
  }

  function events(detail: RecommendationDetail): HTMLElement {
    return h(
      'section',
      { 'aria-label': 'Decisions' },
      h('h3', {}, 'Decisions'),
      detail.events.length
        ? h(
            'ol',
            { class: 'events' },
            ...detail.events.map((event) =>
              h('li', {}, `${event.createdAt.slice(0, 16).replace('T', ' ')} ${event.actor}: ${event.action}${event.reason ? ` (${event.reason})` : ''}`),
            ),
          )
        : h('p', { class: 'hint' }, 'No decision yet.'),
    );
  }

  async function loadChart(detail: RecommendationDetail, token: number): Promise<void> {
    try {
      const { body: sku } = await call<SkuDetail>('GET', `/skus/${encodeURIComponent(detail.sku)}${query({ historyWeeks: 52 })}`);
      const target = document.getElementById('detail-chart');
      if (token !== openToken || !target) return;
      const location = sku.locations.find((entry) => entry.locationId === detail.locationId);
      target.replaceChildren(
        location ? demandChart(sku.weekEnds, location.history.quantities, location.forecast?.periods ?? []) : h('p', {}, 'No history at this location.'),
      );
    } catch (error) {
      const target = document.getElementById('detail-chart');
      if (token === openToken && target) target.replaceChildren(h('p', { class: 'error' }, `Could not load the history: ${(error as Error).message}`));
    }
  }

  function close(): void {
    const id = shown?.id;
    openToken++;
    shown = null;
    panel.hidden = true;
    panel.replaceChildren();
    if (id !== undefined) options.onClosed(id);
  }

  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  return { open, shownId: () => shown?.id ?? null };
}
