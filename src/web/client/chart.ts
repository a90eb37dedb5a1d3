/// <reference lib="dom" />
import { h, svg } from './dom';
import * as format from './format';
import type { ForecastPeriod, ProtectionDemand, StockProjection } from './types';

/**
 * The detail's two charts, hand-written SVG drawn at the width they get (one unit = one pixel, so labels stay at
 * 12 px whatever the screen): weekly demand with its forecast, and the projected stock against the levels the order
 * keeps. Every number drawn comes from the API; the charts only place it.
 */

const HEIGHT = 300;
const MARGIN = { left: 52, right: 16, top: 28, bottom: 30 };
const DAY_MS = 86_400_000;

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** 4 to 6 round values from 0 (or below) to at least `high`: steps of 1, 2 or 5 × 10^n. */
export function valueTicks(low: number, high: number): number[] {
  const span = Math.max(high - low, 1);
  for (const count of [5, 4, 6]) {
    const rough = span / (count - 1);
    const magnitude = 10 ** Math.floor(Math.log10(rough));
    for (const unit of [1, 2, 2.5, 5, 10]) {
      const step = unit * magnitude;
      const first = Math.floor(low / step) * step;
      const ticks: number[] = [];
      for (let value = first; value < high + step; value += step) ticks.push(Number(value.toPrecision(12)));
      if (ticks.length >= 4 && ticks.length <= 6) return ticks;
    }
  }
  return [low, high];
}

/** The first day of every month from `start` to `end` (ISO dates). */
export function monthTicks(start: string, end: string): string[] {
  const ticks: string[] = [];
  let [year, month] = start.split('-').map(Number);
  for (;;) {
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
    const tick = `${year}-${String(month).padStart(2, '0')}-01`;
    if (tick > end) return ticks;
    ticks.push(tick);
  }
}

interface Frame {
  width: number;
  x(date: string): number;
  y(value: number): number;
  yTicks: number[];
}

function frame(width: number, from: string, to: string, low: number, high: number): Frame {
  const yTicks = valueTicks(low, high);
  const [first, last] = [dayOf(from), dayOf(to)];
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const [bottom, top] = [yTicks[0], yTicks[yTicks.length - 1]];
  return {
    width,
    yTicks,
    x: (date) => MARGIN.left + ((dayOf(date) - first) / Math.max(1, last - first)) * plotWidth,
    y: (value) => HEIGHT - MARGIN.bottom - ((value - bottom) / (top - bottom)) * (HEIGHT - MARGIN.top - MARGIN.bottom),
  };
}

/** Grid lines and labels of the value axis, and date labels at `dates` (text `label(date)`). */
function axes(f: Frame, dates: string[], label: (date: string) => string, unit: string): SVGElement[] {
  const right = f.width - MARGIN.right;
  return [
    ...f.yTicks.map((value) =>
      svg('g', { class: 'y-tick' }, svg('line', { class: 'grid', x1: MARGIN.left, x2: right, y1: f.y(value), y2: f.y(value) }), svg('text', { x: MARGIN.left - 6, y: f.y(value) + 4, 'text-anchor': 'end' }, format.quantity(value))),
    ),
    svg('text', { class: 'unit', x: 4, y: 14 }, unit),
    ...dates.map((date) =>
      svg(
        'g',
        { class: 'x-tick' },
        svg('line', { class: 'tick', x1: f.x(date), x2: f.x(date), y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom + 5 }),
        // A label centred on a tick at the right edge would run past the chart and be cut: it ends at its tick instead.
        svg('text', { x: f.x(date), y: HEIGHT - MARGIN.bottom + 18, 'text-anchor': f.x(date) > right - 24 ? 'end' : 'middle' }, label(date)),
      ),
    ),
  ];
}

/** A vertical marker with a label at its top. */
/** Chart text is 12 px (styles.css); a character is at most about 7 px wide, enough to keep labels apart. */
const LABEL_CHAR_WIDTH = 7;
const LABEL_HEIGHT = 12;

interface Label {
  x: number;
  y: number;
  anchor: 'start' | 'end';
  text: string;
}

function labelBox(label: Label): { left: number; right: number; top: number; bottom: number } {
  const width = label.text.length * LABEL_CHAR_WIDTH;
  const left = label.anchor === 'end' ? label.x - width : label.x;
  return { left, right: left + width, top: label.y - LABEL_HEIGHT, bottom: label.y + 2 };
}

function labelsOverlap(a: Label, b: Label): boolean {
  const [p, q] = [labelBox(a), labelBox(b)];
  return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
}

/** Where a vertical marker's label goes: right of its line at the top, or left of it near the right edge. */
function markerLabel(f: Frame, date: string, text: string): Label {
  const x = f.x(date);
  const anchor = x > f.width - 120 ? 'end' : 'start';
  return { x: anchor === 'end' ? x - 4 : x + 4, y: MARGIN.top + 10, anchor, text };
}

function marker(f: Frame, date: string, className: string, text: string): SVGElement {
  const x = f.x(date);
  const label = markerLabel(f, date, text);
  return svg(
    'g',
    { class: className },
    svg('line', { x1: x, x2: x, y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom }),
    svg('text', { x: label.x, y: label.y, 'text-anchor': label.anchor }, text),
  );
}

/** A path through points, broken where a value is null (a week without a fair reading). */
function linePath(points: Array<[number, number] | null>): string {
  let path = '';
  let open = false;
  for (const point of points) {
    if (!point) {
      open = false;
      continue;
    }
    path += `${open ? 'L' : 'M'}${point[0].toFixed(1)},${point[1].toFixed(1)}`;
    open = true;
  }
  return path;
}

export interface DemandChartInput {
  weekEnds: string[];
  history: number[];
  outOfStockDays: number[];
  forecast: ForecastPeriod[];
  /** The run's as-of date: the last day of history. */
  today: string | null;
}

/**
 * Weekly sales and the forecast after them with its 80 % and 95 % bands. Weeks with days out of stock are shaded: their
 * sales are what stock allowed, not demand, and a week out of stock throughout is left out of the line, not drawn as 0.
 */
export function demandChart(input: DemandChartInput, width: number): Element {
  const { weekEnds, history, outOfStockDays, forecast, today } = input;
  if (history.length + forecast.length === 0) return h('p', {}, 'No history or forecast for this location.');
  const forecastEnds = forecast.map((period) => dateOf(dayOf(period.periodStart) + 6));
  const from = dateOf(dayOf(weekEnds[0] ?? forecast[0].periodStart) - 6);
  const to = forecastEnds[forecastEnds.length - 1] ?? weekEnds[weekEnds.length - 1];
  const highest = Math.max(1, ...history, ...forecast.map((period) => period.hi95 ?? period.mean));
  const f = frame(width, from, to, 0, highest);
  const band = (low: 'lo80' | 'lo95', high: 'hi80' | 'hi95', className: string) => {
    if (!forecast.length) return null;
    const upper = forecast.map((period, step) => `${f.x(forecastEnds[step]).toFixed(1)},${f.y(period[high] ?? period.mean).toFixed(1)}`);
    const lower = forecast.map((period, step) => `${f.x(forecastEnds[step]).toFixed(1)},${f.y(Math.max(0, period[low] ?? period.mean)).toFixed(1)}`).reverse();
    return svg('polygon', { class: className, points: [...upper, ...lower].join(' ') });
  };
  const fullyOut = (index: number) => (outOfStockDays[index] ?? 0) >= 7;
  const stockoutWeeks = weekEnds.flatMap((end, index) =>
    (outOfStockDays[index] ?? 0) > 0
      ? [svg('rect', { class: 'stockout-week', x: f.x(dateOf(dayOf(end) - 7)), width: f.x(end) - f.x(dateOf(dayOf(end) - 7)), y: MARGIN.top, height: HEIGHT - MARGIN.top - MARGIN.bottom })]
      : [],
  );
  const lastHistory = history.length - 1;
  const forecastLine = linePath([
    ...(lastHistory >= 0 && !fullyOut(lastHistory) ? [[f.x(weekEnds[lastHistory]), f.y(history[lastHistory])] as [number, number]] : []),
    ...forecast.map((period, step): [number, number] => [f.x(forecastEnds[step]), f.y(period.mean)]),
  ]);
  const shadedCount = stockoutWeeks.length;
  const summary =
    `${history.length} weeks of sales to ${format.shortDate(weekEnds[lastHistory])}` +
    (shadedCount ? `, ${shadedCount} of them with days out of stock (shaded)` : '') +
    (forecast.length ? `; forecast of ${forecast.length} weeks, ${format.quantity(forecast[0].mean)} a week at first` : '');
  return h(
    'figure',
    { class: 'chart-figure' },
    svg(
      'svg',
      { class: 'chart demand-chart', width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': `Weekly demand chart: ${summary}` },
      svg('title', {}, summary),
      ...stockoutWeeks,
      ...axes(f, monthTicks(from, to), (date) => format.shortDate(date).replace(/^1 /, '') + (date.endsWith('-01-01') ? ` ${date.slice(2, 4)}` : ''), 'units a week'),
      band('lo95', 'hi95', 'band95'),
      band('lo80', 'hi80', 'band80'),
      history.length ? svg('path', { class: 'history', d: linePath(history.map((value, index) => (fullyOut(index) ? null : [f.x(weekEnds[index]), f.y(value)]))) }) : null,
      forecast.length ? svg('path', { class: 'forecast', d: forecastLine }) : null,
      today ? marker(f, today, 'today', `today ${format.shortDate(today)}`) : null,
    ),
    h(
      'figcaption',
      { class: 'legend' },
      h('span', { class: 'key history' }, 'weekly sales'),
      h('span', { class: 'key forecast' }, 'forecast'),
      h('span', { class: 'key band80' }, '80 % interval'),
      h('span', { class: 'key band95' }, '95 % interval'),
      h('span', { class: 'key stockout-week' }, 'weeks with days out of stock'),
    ),
  );
}

const PROTECTION_HEIGHT = 96;

/**
 * The planner's own interval of demand over the protection interval (lead time + review), from the record its safety
 * stock is the quantile of (the API's protectionDemand): a bar to the forecast over those weeks and a mark at the level
 * set for 80 %, 95 % and the item's target, the target's being the order-up-to level (or reorder point) itself. The
 * weekly bands above describe one week each and are not what the level is read from.
 */
export function protectionChart(interval: ProtectionDemand, width: number, periodDays: number): Element {
  const { forecastDemand, points } = interval;
  const weeks = (interval.horizonPeriods * periodDays) / 7;
  const highest = Math.max(1, forecastDemand, ...points.map((point) => point.level));
  const ticks = valueTicks(0, highest);
  const right = width - MARGIN.right;
  const x = (value: number) => MARGIN.left + (value / ticks[ticks.length - 1]) * (right - MARGIN.left);
  const [barTop, barBottom] = [30, 58];
  const label = (point: ProtectionDemand['points'][number]) => `${point.target ? 'target ' : ''}${format.percent(point.probability)}`;
  const summary =
    `Demand over the next ${format.precise(weeks)} weeks (lead time and review): forecast ${format.quantity(forecastDemand)}; ` +
    points.map((point) => `${format.quantity(point.level)} covers it ${format.percent(point.probability)} of the time${point.target ? ' (the target: the level ordered up to)' : ''}`).join(', ');
  return h(
    'figure',
    { class: 'chart-figure' },
    svg(
      'svg',
      { class: 'chart protection-chart', width, height: PROTECTION_HEIGHT, viewBox: `0 0 ${width} ${PROTECTION_HEIGHT}`, role: 'img', 'aria-label': `Protection interval chart: ${summary}` },
      svg('title', {}, summary),
      ...ticks.map((value) =>
        svg('g', { class: 'x-tick' }, svg('line', { class: 'grid', x1: x(value), x2: x(value), y1: barTop - 6, y2: barBottom + 4 }), svg('text', { x: x(value), y: PROTECTION_HEIGHT - 16, 'text-anchor': 'middle' }, format.quantity(value))),
      ),
      svg('text', { class: 'unit', x: 4, y: 14 }, `units over ${format.precise(weeks)} weeks`),
      svg('rect', { class: 'forecast-total', x: x(0), y: barTop + 8, width: x(forecastDemand) - x(0), height: barBottom - barTop - 16 }),
      ...points.map((point, index) =>
        svg(
          'g',
          { class: point.target ? 'level-point target' : 'level-point' },
          svg('line', { x1: x(point.level), x2: x(point.level), y1: barTop, y2: barBottom }),
          // Labels alternate above and below so that close levels stay legible.
          svg('text', { x: x(point.level), y: index % 2 === 0 ? barTop - 10 : barBottom + 14, 'text-anchor': x(point.level) > right - 40 ? 'end' : 'middle' }, `${label(point)} ${format.quantity(point.level)}`),
        ),
      ),
    ),
    h(
      'figcaption',
      { class: 'legend' },
      h('span', { class: 'key forecast-total' }, 'forecast over lead time and review'),
      h('span', { class: 'key level-point' }, 'level for that service'),
      h('span', { class: 'key level-point target' }, "the item's target: the level ordered up to"),
    ),
  );
}

/**
 * Projected stock over the protection interval: without the order and with it landing on its date, against the
 * reorder point (continuous review) or order-up-to level (periodic) and the safety stock. Below 0 is demand unmet.
 */
export function stockChart(projection: StockProjection, width: number): Element {
  const { points, safetyStock, reorderPoint, orderUpTo, orderArrivalDate } = projection;
  if (points.length < 2) return h('p', {}, 'No projection for this line.');
  const from = points[0].date;
  const to = points[points.length - 1].date;
  const values = points.flatMap((point) => [point.withoutOrder, point.withOrder]);
  const levels = [safetyStock, reorderPoint ?? orderUpTo].filter((value): value is number => value !== null);
  const f = frame(width, from, to, Math.min(0, ...values), Math.max(1, ...values, ...levels));
  const weekly: string[] = [];
  for (let day = dayOf(from); day <= dayOf(to); day += 7) weekly.push(dateOf(day));
  const arrivalText = orderArrivalDate ? `order lands ${format.shortDate(orderArrivalDate)}` : null;
  const arrivalLabel = orderArrivalDate && arrivalText ? markerLabel(f, orderArrivalDate, arrivalText) : null;
  // A level's label sits at the right end of its line, or at the left end where it would cover the arrival's label.
  const level = (value: number | null, className: string, name: string) => {
    if (value === null) return null;
    const text = `${name} ${format.quantity(value)}`;
    const right: Label = { x: width - MARGIN.right - 4, y: f.y(value) - 5, anchor: 'end', text };
    const label = arrivalLabel && labelsOverlap(right, arrivalLabel) ? { ...right, x: MARGIN.left + 4, anchor: 'start' as const } : right;
    return svg(
      'g',
      { class: className },
      svg('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: f.y(value), y2: f.y(value) }),
      svg('text', { x: label.x, y: label.y, 'text-anchor': label.anchor }, text),
    );
  };
  const line = (read: (point: (typeof points)[number]) => number) => linePath(points.map((point) => [f.x(point.date), f.y(read(point))]));
  const summary =
    `Projected stock from ${format.shortDate(from)} to ${format.shortDate(to)}: ${format.quantity(points[0].withoutOrder)} now, ` +
    `${format.quantity(points[points.length - 1].withoutOrder)} at the end without the order, ${format.quantity(points[points.length - 1].withOrder)} with it` +
    (orderArrivalDate ? ` (it lands on ${format.shortDate(orderArrivalDate)})` : '');
  return h(
    'figure',
    { class: 'chart-figure' },
    svg(
      'svg',
      { class: 'chart stock-chart', width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': `Projected stock chart: ${summary}` },
      svg('title', {}, summary),
      ...axes(f, weekly, (date) => format.shortDate(date), 'units in stock'),
      svg('line', { class: 'zero', x1: MARGIN.left, x2: width - MARGIN.right, y1: f.y(0), y2: f.y(0) }),
      level(safetyStock, 'safety-stock', 'safety stock'),
      reorderPoint !== null ? level(reorderPoint, 'reorder-point', 'reorder point') : level(orderUpTo, 'reorder-point', 'order-up-to'),
      // The dashed line over the solid one: until the order lands the two are the same, and both stay visible.
      svg('path', { class: 'with-order', d: line((point) => point.withOrder) }),
      svg('path', { class: 'without-order', d: line((point) => point.withoutOrder) }),
      orderArrivalDate && arrivalText ? marker(f, orderArrivalDate, 'order-lands', arrivalText) : null,
    ),
    h(
      'figcaption',
      { class: 'legend' },
      h('span', { class: 'key with-order' }, 'with this order'),
      h('span', { class: 'key without-order' }, 'without it'),
      h('span', { class: 'key reorder-point' }, reorderPoint !== null ? 'reorder point' : 'order-up-to level'),
      h('span', { class: 'key safety-stock' }, 'safety stock'),
    ),
  );
}

/** Draws a chart into `container` at its width, and again when that width changes. */
export function drawResponsive(container: HTMLElement, draw: (width: number) => Element): void {
  let drawn = 0;
  const render = () => {
    const width = Math.max(320, Math.floor(container.clientWidth));
    if (width === drawn) return;
    drawn = width;
    container.replaceChildren(draw(width));
  };
  render();
  new ResizeObserver(render).observe(container);
}
