/// <reference lib="dom" />
import { call, query } from './api';
import { announce, byId, h } from './dom';
import * as format from './format';
import type { Location, Recommendation, RecommendationPage, Supplier } from './types';

export interface ListOptions {
  suppliers: Supplier[];
  /** Every location, by code (GET /locations). */
  locations: Location[];
  canDecide: boolean;
  onOpen(id: number): void;
  onApproveDraftOrder(supplierId: number, locationId: number): Promise<void>;
}

export interface ListView {
  load(): Promise<void>;
  /** Shows a changed line in place (after a decision) without reloading the page of rows. */
  update(recommendation: Recommendation): void;
  select(id: number | null): void;
  /** Puts the keyboard focus back on a line's button (after its detail closes). */
  focus(id: number): void;
}

/**
 * The recommendations table: filters and sort as a form, server-side keyset paging (the API's cursors; a stack of
 * them for "previous"), so a 20,000-line run costs one page of rows at a time.
 */
export function createList(options: ListOptions): ListView {
  const form = byId<HTMLFormElement>('filters');
  const body = byId('recommendations').querySelector('tbody') as HTMLTableSectionElement;
  const previous = byId<HTMLButtonElement>('previous-page');
  const next = byId<HTMLButtonElement>('next-page');
  const pageInfo = byId('page-info');
  const draftOrder = byId('draft-order');
  const locationSelect = form.elements.namedItem('locationId') as HTMLSelectElement;
  const supplierSelect = form.elements.namedItem('supplierId') as HTMLSelectElement;
  const supplierNames = new Map(options.suppliers.map((supplier) => [supplier.id, supplier.name]));
  const locationCodes = new Map(options.locations.map((location) => [location.id, location.code]));

  for (const supplier of options.suppliers) supplierSelect.append(h('option', { value: supplier.id }, supplier.name));
  for (const location of options.locations) locationSelect.append(h('option', { value: location.id }, location.code));

  let pageStarts: Array<string | null> = [null];
  let nextCursor: string | null = null;
  let rows: Recommendation[] = [];
  let selectedId: number | null = null;
  let loadToken = 0;

  const field = (name: string) => (form.elements.namedItem(name) as HTMLSelectElement).value;

  function rowOf(recommendation: Recommendation): HTMLTableRowElement {
    const open = () => options.onOpen(recommendation.id);
    return h(
      'tr',
      { 'data-id': recommendation.id, 'aria-selected': recommendation.id === selectedId ? 'true' : 'false', onclick: open },
      h('td', {}, h('span', { class: `badge ${recommendation.urgency}` }, recommendation.urgency)),
      h(
        'td',
        {},
        h('button', { type: 'button', class: 'link', 'aria-label': `Open ${recommendation.sku} at ${recommendation.locationCode}` }, recommendation.sku),
        h('span', { class: 'description' }, recommendation.description),
      ),
      h('td', {}, recommendation.locationCode),
      h('td', {}, recommendation.supplierName ?? 'no supplier'),
      h('td', {}, format.date(recommendation.projectedStockoutDate)),
      h('td', { class: 'number' }, format.quantity(recommendation.quantity)),
      h('td', { class: 'number' }, format.money(recommendation.lineValue)),
      h('td', {}, recommendation.abcClass ?? '–'),
      h('td', {}, h('span', { class: 'badge status' }, recommendation.status)),
    );
  }

  function render(): void {
    body.replaceChildren(...(rows.length ? rows.map(rowOf) : [h('tr', {}, h('td', { colspan: 9 }, 'No recommendations match these filters.'))]));
    const page = pageStarts.length;
    pageInfo.textContent = rows.length ? `Page ${page}: ${rows.length} lines` : `Page ${page}`;
    previous.disabled = page === 1;
    next.disabled = nextCursor === null;
    renderDraftOrder();
  }

  /** With one supplier and one location chosen, the rows are that supplier's draft order: offer to approve it whole. */
  function renderDraftOrder(): void {
    const supplierId = Number(field('supplierId'));
    const locationId = Number(field('locationId'));
    draftOrder.hidden = !(options.canDecide && supplierId && locationId);
    if (draftOrder.hidden) return draftOrder.replaceChildren();
    const label = `${supplierNames.get(supplierId) ?? `supplier ${supplierId}`} at ${locationCodes.get(locationId) ?? `location ${locationId}`}`;
    draftOrder.replaceChildren(
      h('span', {}, `Draft purchase order: ${label}`),
      h('button', { type: 'button', class: 'primary', onclick: () => void options.onApproveDraftOrder(supplierId, locationId) }, 'Approve all proposed lines of this draft order'),
    );
  }

  async function load(): Promise<void> {
    const token = ++loadToken;
    const cursor = pageStarts[pageStarts.length - 1];
    body.setAttribute('aria-busy', 'true');
    try {
      const { body: page } = await call<RecommendationPage>(
        'GET',
        `/recommendations${query({
          supplierId: field('supplierId'),
          locationId: field('locationId'),
          urgency: field('urgency'),
          status: field('status'),
          abcClass: field('abcClass'),
          sort: field('sort'),
          limit: field('limit'),
          cursor,
        })}`,
      );
      if (token !== loadToken) return;
      rows = page.data;
      nextCursor = page.nextCursor;
      render();
      if (page.runId === null) announce('No planning run has finished yet: there is nothing to review.');
    } catch (error) {
      if (token === loadToken) announce(`Could not load recommendations: ${(error as Error).message}`, 'error');
    } finally {
      if (token === loadToken) body.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('change', () => {
    pageStarts = [null];
    void load();
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  next.addEventListener('click', () => {
    if (nextCursor === null) return;
    pageStarts.push(nextCursor);
    void load();
  });
  previous.addEventListener('click', () => {
    if (pageStarts.length === 1) return;
    pageStarts.pop();
    void load();
  });

  return {
    load,
    update(recommendation) {
      const index = rows.findIndex((row) => row.id === recommendation.id);
      if (index === -1) return;
      rows[index] = recommendation;
      body.children[index]?.replaceWith(rowOf(recommendation));
    },
    focus(id) {
      body.querySelector<HTMLButtonElement>(`tr[data-id="${id}"] button`)?.focus();
    },
    select(id) {
      selectedId = id;
      for (const row of body.querySelectorAll('tr[data-id]')) row.setAttribute('aria-selected', String(Number(row.getAttribute('data-id')) === id));
    },
  };
}
