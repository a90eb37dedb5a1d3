/// <reference lib="dom" />
import { call, download, query } from './api';
import { announce, byId, h } from './dom';
import * as format from './format';
import { rejectReasons, type BulkDecision, type Location, type Recommendation, type RecommendationPage, type Supplier } from './types';

export interface ListOptions {
  suppliers: Supplier[];
  /** Every location, by code (GET /locations). */
  locations: Location[];
  canDecide: boolean;
  onOpen(id: number): void;
  onReviewDraftOrder(supplierId: number, locationId: number): void;
}

export interface ListView {
  load(): Promise<void>;
  /** Shows a changed line in place (after a decision) without reloading the page of rows. */
  update(recommendation: Recommendation): void;
  select(id: number | null): void;
  /** Puts the keyboard focus back on a line's button (after its detail closes). */
  focus(id: number): void;
}

const SEARCH_PAUSE_MS = 250;

/**
 * The recommendations table: search and filters as a form, server-side keyset paging (the API's cursors; a stack of
 * them for "previous"), lines chosen with checkboxes (shift-click for a range) and decided at once, and the list as
 * it is filtered exported as CSV or XLSX by the API.
 */
export function createList(options: ListOptions): ListView {
  const form = byId<HTMLFormElement>('filters');
  const body = byId('recommendations').querySelector('tbody') as HTMLTableSectionElement;
  const previous = byId<HTMLButtonElement>('previous-page');
  const next = byId<HTMLButtonElement>('next-page');
  const pageInfo = byId('page-info');
  const bulkBar = byId('bulk-bar');
  const selectAll = byId<HTMLInputElement>('select-all');
  const locationSelect = form.elements.namedItem('locationId') as HTMLSelectElement;
  const supplierSelect = form.elements.namedItem('supplierId') as HTMLSelectElement;
  const supplierNames = new Map(options.suppliers.map((supplier) => [supplier.id, supplier.name]));
  const locationCodes = new Map(options.locations.map((location) => [location.id, location.code]));

  for (const supplier of options.suppliers) supplierSelect.append(h('option', { value: supplier.id }, supplier.name));
  for (const location of options.locations) locationSelect.append(h('option', { value: location.id }, location.code));
  if (!options.canDecide) selectAll.closest('th')!.classList.add('no-select');

  let pageStarts: Array<string | null> = [null];
  let nextCursor: string | null = null;
  let rows: Recommendation[] = [];
  let openId: number | null = null;
  const chosen = new Set<number>();
  let lastClicked: number | null = null;
  let loadToken = 0;
  let runYear: string | undefined;

  const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
  const filters = () => ({
    q: field('q'),
    supplierId: field('supplierId'),
    locationId: field('locationId'),
    urgency: field('urgency'),
    status: field('status'),
    abcClass: field('abcClass'),
    sort: field('sort'),
  });

  function rowOf(line: Recommendation, index: number): HTMLTableRowElement {
    const cell = (label: string, className: string, ...content: Array<Node | string>) => h('td', { 'data-label': label, class: className }, ...content);
    const checkbox = h('input', { type: 'checkbox', 'aria-label': `Select ${line.sku} at ${line.locationCode}`, checked: chosen.has(line.id) });
    checkbox.addEventListener('click', (event) => {
      event.stopPropagation();
      choose(index, checkbox.checked, (event as MouseEvent).shiftKey);
    });
    return h(
      'tr',
      { 'data-id': line.id, 'aria-selected': line.id === openId ? 'true' : 'false', onclick: () => options.onOpen(line.id) },
      h('td', { class: `select${options.canDecide ? '' : ' no-select'}` }, options.canDecide ? checkbox : ''),
      cell(
        'Urgency',
        'urgency',
        h('span', { class: `badge ${line.urgency}` }, line.urgency),
        h('span', { class: `shortage ${format.shortageGrade(line.daysShort)}` }, format.shortage(line.daysShort)),
      ),
      cell(
        'SKU',
        'item',
        h('button', { type: 'button', class: 'link', 'aria-label': `Open ${line.sku} at ${line.locationCode}` }, line.sku),
        h('span', { class: 'description' }, line.description),
        h('span', { class: 'narrow-only' }, `${line.locationCode} · ${line.supplierName ?? 'no supplier'}`),
      ),
      cell('Location', 'wide', line.locationCode),
      cell('Supplier', 'wide', line.supplierName ?? 'no supplier'),
      cell('On hand', 'number wide', format.quantity(line.onHand)),
      cell('On order', 'number wide', format.quantity(line.onOrder)),
      cell('Backordered', 'number wide', format.quantity(line.backordered)),
      cell('Cover', 'number wide', format.days(line.daysOfCover)),
      cell('Stock-out', 'wide', h('span', { title: line.projectedStockoutDate ?? '' }, format.shortDate(line.projectedStockoutDate, runYear))),
      cell('Arrives', 'wide', h('span', { title: line.expectedArrivalDate ?? '' }, format.shortDate(line.expectedArrivalDate, runYear))),
      cell('Qty', 'number', format.quantity(line.quantity), line.quantity !== line.suggestedQuantity ? h('span', { class: 'hint block' }, `of ${format.quantity(line.suggestedQuantity)}`) : ''),
      cell('Value', 'number', format.money(line.lineValue, line.currency)),
      cell('ABC', 'wide', line.abcClass ?? '–'),
      cell('Status', 'status', h('span', { class: 'badge status' }, line.status), line.noteCount ? h('span', { class: 'notes-count', title: `${line.noteCount} notes` }, `✎ ${line.noteCount}`) : ''),
    );
  }

  /** Checks or clears one line, or with shift the range from the last line clicked. */
  function choose(index: number, checked: boolean, range: boolean): void {
    const [from, to] = range && lastClicked !== null ? [Math.min(lastClicked, index), Math.max(lastClicked, index)] : [index, index];
    for (let i = from; i <= to; i++) {
      if (checked) chosen.add(rows[i].id);
      else chosen.delete(rows[i].id);
    }
    lastClicked = index;
    syncSelection();
  }

  function syncSelection(): void {
    body.querySelectorAll<HTMLTableRowElement>('tr[data-id]').forEach((row) => {
      const box = row.querySelector<HTMLInputElement>('input[type="checkbox"]');
      if (box) box.checked = chosen.has(Number(row.dataset.id));
    });
    selectAll.checked = rows.length > 0 && rows.every((row) => chosen.has(row.id));
    selectAll.indeterminate = chosen.size > 0 && !selectAll.checked;
    renderBulkBar();
  }

  function renderBulkBar(): void {
    const draft = draftOrderOffer();
    bulkBar.hidden = !options.canDecide || (chosen.size === 0 && !draft);
    if (bulkBar.hidden) return void bulkBar.replaceChildren();
    const reason = h('select', { id: 'bulk-reason', 'aria-label': 'Reason for rejecting the selected lines' }, ...rejectReasons.map((code) => h('option', { value: code }, code)));
    bulkBar.replaceChildren(
      ...(chosen.size
        ? [
            h('span', { 'data-testid': 'selected-count' }, `${chosen.size} selected`),
            h('button', { type: 'button', class: 'primary', onclick: () => decideChosen({ action: 'approve' }) }, 'Approve selected'),
            reason,
            h('button', { type: 'button', onclick: () => decideChosen({ action: 'reject', reasonCode: reason.value }) }, 'Reject selected'),
            h('button', { type: 'button', onclick: () => decideChosen({ action: 'undo' }) }, 'Undo selected'),
            h('button', { type: 'button', class: 'link-button', onclick: () => (chosen.clear(), syncSelection()) }, 'Clear selection'),
          ]
        : []),
      ...(draft ? [draft] : []),
    );
  }

  /** With one supplier and one location chosen, the rows are that supplier's draft order: offer to review it whole. */
  function draftOrderOffer(): HTMLElement | null {
    const supplierId = Number(field('supplierId'));
    const locationId = Number(field('locationId'));
    if (!supplierId || !locationId) return null;
    const label = `${supplierNames.get(supplierId) ?? `supplier ${supplierId}`} at ${locationCodes.get(locationId) ?? `location ${locationId}`}`;
    return h('span', { class: 'draft-offer' }, h('button', { type: 'button', onclick: () => options.onReviewDraftOrder(supplierId, locationId) }, `Review the draft order of ${label}…`));
  }

  async function decideChosen(change: { action: 'approve' | 'undo' } | { action: 'reject'; reasonCode: string }): Promise<void> {
    const lines = rows.filter((row) => chosen.has(row.id)).map((row) => ({ id: row.id, version: row.version }));
    try {
      const { body: result } = await call<BulkDecision>('POST', '/recommendations/decisions', { body: { ...change, lines } });
      chosen.clear();
      await load();
      const skipped = result.skipped.length ? `; ${result.skipped.length} left as they were (${[...new Set(result.skipped.map((line) => line.reason))].join(', ')})` : '';
      announce(`${{ approve: 'Approved', reject: 'Rejected', undo: 'Back to proposed' }[change.action]} ${result.applied.length} lines${skipped}.`);
    } catch (error) {
      announce(`Not saved: ${(error as Error).message}`, 'error');
    }
  }

  function render(): void {
    body.replaceChildren(...(rows.length ? rows.map(rowOf) : [h('tr', {}, h('td', { colspan: 15 }, 'No recommendations match these filters.'))]));
    const page = pageStarts.length;
    pageInfo.textContent = rows.length ? `Page ${page}: ${rows.length} lines` : `Page ${page}`;
    previous.disabled = page === 1;
    next.disabled = nextCursor === null;
    syncSelection();
  }

  async function load(): Promise<void> {
    const token = ++loadToken;
    const cursor = pageStarts[pageStarts.length - 1];
    body.setAttribute('aria-busy', 'true');
    try {
      const { body: page } = await call<RecommendationPage>('GET', `/recommendations${query({ ...filters(), limit: field('limit'), cursor })}`);
      if (token !== loadToken) return;
      rows = page.data;
      runYear = rows[0]?.expectedArrivalDate?.slice(0, 4) ?? rows[0]?.projectedStockoutDate?.slice(0, 4);
      nextCursor = page.nextCursor;
      for (const id of [...chosen]) if (!rows.some((row) => row.id === id)) chosen.delete(id);
      lastClicked = null;
      render();
      if (page.runId === null && field('status') !== 'decided') announce('No planning run has finished yet: there is nothing to review.');
    } catch (error) {
      if (token === loadToken) announce(`Could not load recommendations: ${(error as Error).message}`, 'error');
    } finally {
      if (token === loadToken) body.removeAttribute('aria-busy');
    }
  }

  const reload = () => {
    pageStarts = [null];
    void load();
  };
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLElement).id === 'filter-q') return;
    if ((event.target as HTMLElement).id === 'filter-status' && field('status') === 'decided') (form.elements.namedItem('sort') as HTMLSelectElement).value = 'decided';
    reload();
  });
  // The search asks the API once typing pauses (and at once on Enter).
  byId('filter-q').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(reload, SEARCH_PAUSE_MS);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    reload();
  });
  selectAll.addEventListener('change', () => {
    for (const row of rows) {
      if (selectAll.checked) chosen.add(row.id);
      else chosen.delete(row.id);
    }
    syncSelection();
  });
  for (const kind of ['csv', 'xlsx'] as const) {
    byId(`export-${kind}`).addEventListener('click', async () => {
      try {
        const name = await download(`/recommendations${query({ ...filters(), format: kind })}`);
        announce(`Exported the list as ${name}.`);
      } catch (error) {
        announce(`Could not export: ${(error as Error).message}`, 'error');
      }
    });
  }
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
      body.children[index]?.replaceWith(rowOf(recommendation, index));
    },
    focus(id) {
      body.querySelector<HTMLButtonElement>(`tr[data-id="${id}"] button`)?.focus();
    },
    select(id) {
      openId = id;
      for (const row of body.querySelectorAll('tr[data-id]')) row.setAttribute('aria-selected', String(Number(row.getAttribute('data-id')) === id));
    },
  };
}
