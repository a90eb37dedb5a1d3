/// <reference lib="dom" />
import { call, query } from './api';
import { announce, byId, h } from './dom';
import * as format from './format';
import type { ExceptionItem, ExceptionPage } from './types';

/** Each kind in words, as a buyer reads it. */
const kindNames: Record<ExceptionItem['kind'], string> = {
  spike: 'Demand spike',
  drop: 'Demand drop',
  bias: 'Forecast biased',
  'outlier-cleaned': 'Outlier week cleaned',
  new: 'New item',
  dying: 'Dying item',
  'forecast-jump': 'Forecast jump',
  'order-value-jump': 'Order value jump',
};

/** The names of the numbers an exception carries, in words (anything else shown under its own name). */
const detailNames: Record<string, string> = {
  days: 'days',
  sales: 'sales',
  forecast: 'forecast',
  upper99: '99 % quantile',
  lower01: '1 % quantile',
  ratio: 'ratio to forecast',
  trackingSignal: 'tracking signal',
  weekStart: 'week of',
  demand: 'demand',
  replacement: 'fitted as',
  leadTimeDays: 'lead time (days)',
  forecastOverLeadTime: 'forecast over lead time',
  recentWeeklyRate: 'last 13 weeks per week',
  recentRateOverLeadTime: 'last 13 weeks over lead time',
  orderValue: 'order value',
  weeksOfRecentDemand: 'weeks of recent demand',
  quantity: 'quantity',
  unitCost: 'unit cost',
  currency: 'currency',
};
/** Bookkeeping, not evidence: left out of the list. */
const hiddenDetails = new Set(['asOfDate', 'forecastRunId']);

function numbersOf(exception: ExceptionItem): string {
  return Object.entries(exception.details)
    .filter(([name, value]) => !hiddenDetails.has(name) && value !== null && value !== undefined)
    .map(([name, value]) => `${detailNames[name] ?? name} ${typeof value === 'number' ? new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(value) : String(value)}`)
    .join(', ');
}

/**
 * Exceptions (GET /exceptions): what the runs found odd, newest first, with the numbers behind each and what replen
 * did; a buyer acknowledges one and it leaves the list. Filterable by kind.
 */
export function createExceptions(options: { canDecide: boolean }): { show(): Promise<void> } {
  const view = byId('view-exceptions');
  const kind = h('select', { id: 'exception-kind' }, h('option', { value: '' }, 'all'), ...Object.entries(kindNames).map(([value, name]) => h('option', { value }, name)));
  const results = h('div', { id: 'exception-results' });
  const more = h('button', { type: 'button', hidden: true }, 'More exceptions');
  let cursor: string | null = null;
  let shown: ExceptionItem[] = [];
  let loadToken = 0;

  function render(): void {
    const columns = ['Data day', 'Kind', 'SKU', 'Location', 'The numbers', 'What replen did', ...(options.canDecide ? ['Acknowledge'] : [])];
    const rows = shown.map((exception) =>
      h(
        'tr',
        { 'data-exception-id': exception.id },
        // The data's day, as every other tab dates things (in the demo a simulated one), not the wall-clock time the run ran.
        h('td', { 'data-label': 'Data day' }, format.shortDate(exception.asOfDate)),
        h('td', { 'data-label': 'Kind' }, h('span', { class: `badge exception ${exception.kind}` }, kindNames[exception.kind])),
        h('td', { 'data-label': 'SKU' }, exception.sku),
        h('td', { 'data-label': 'Location' }, exception.locationCode),
        h('td', { 'data-label': 'The numbers', class: 'words' }, numbersOf(exception)),
        h('td', { 'data-label': 'What replen did', class: 'words' }, exception.action),
        options.canDecide
          ? h('td', { 'data-label': 'Acknowledge' }, h('button', { type: 'button', onclick: () => void acknowledge(exception) }, `Acknowledge ${kindNames[exception.kind].toLowerCase()} on ${exception.sku}`))
          : null,
      ),
    );
    results.replaceChildren(
      h(
        'div',
        { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Exceptions (scrolls)' },
        h(
          'table',
          { 'aria-label': 'Exceptions' },
          h('thead', {}, h('tr', {}, ...columns.map((name) => h('th', { scope: 'col' }, name)))),
          h('tbody', {}, ...(rows.length ? rows : [h('tr', {}, h('td', { colspan: columns.length }, 'No open exceptions.'))])),
        ),
      ),
    );
  }

  async function acknowledge(exception: ExceptionItem): Promise<void> {
    try {
      await call('POST', `/exceptions/${exception.id}/acknowledge`);
      shown = shown.filter((entry) => entry.id !== exception.id);
      render();
      announce(`Acknowledged: ${kindNames[exception.kind].toLowerCase()} on ${exception.sku} at ${exception.locationCode}.`);
      byId('exception-kind').focus();
    } catch (error) {
      announce(`Could not acknowledge the exception: ${(error as Error).message}`, 'error');
    }
  }

  async function load(reset: boolean): Promise<void> {
    const token = ++loadToken;
    try {
      const { body } = await call<ExceptionPage>('GET', `/exceptions${query({ kind: kind.value, limit: 100, cursor: reset ? null : cursor })}`);
      if (token !== loadToken) return;
      shown = [...(reset ? [] : shown), ...body.data];
      cursor = body.nextCursor;
      more.hidden = cursor === null;
      render();
    } catch (error) {
      announce(`Could not load the exceptions: ${(error as Error).message}`, 'error');
    }
  }

  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter exceptions', onsubmit: (event: Event) => (event.preventDefault(), void load(true)) },
    h('div', {}, h('label', { for: 'exception-kind' }, 'Kind'), kind),
  );
  kind.addEventListener('change', () => void load(true));
  more.addEventListener('click', () => void load(false));
  view.replaceChildren(
    h('h2', {}, 'Exceptions'),
    h('p', { class: 'hint' }, 'What the runs found odd: demand against the forecast (checked every hour), weeks cleaned as outliers, forecasts and orders far above recent demand. Each goes when its run no longer finds it. Data day: the as-of date of the run that last found it.'),
    filters,
    results,
    more,
  );
  return { show: () => load(true) };
}
