/// <reference lib="dom" />
import { h, svg } from './dom';
import * as format from './format';
import type { ForecastPeriod } from './types';

const WIDTH = 560;
const HEIGHT = 200;
const MARGIN = { left: 40, right: 10, top: 10, bottom: 22 };

/**
 * Weekly history and the forecast after it, with the 80 % and 95 % intervals as bands: one small inline SVG.
 * The numbers are also in the element's description (for screen readers) and in its <title>.
 */
export function demandChart(weekEnds: string[], history: number[], forecast: ForecastPeriod[]): Element {
  const count = history.length + forecast.length;
  if (count === 0) return h('p', {}, 'No history or forecast for this location.');
  const highest = Math.max(1, ...history, ...forecast.map((period) => period.hi95 ?? period.mean));
  const x = (index: number) => MARGIN.left + (count === 1 ? 0 : (index / (count - 1)) * (WIDTH - MARGIN.left - MARGIN.right));
  const y = (value: number) => HEIGHT - MARGIN.bottom - (Math.max(0, value) / highest) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const points = (pairs: Array<[number, number]>) => pairs.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const at = (step: number) => history.length + step;

  const band = (low: keyof ForecastPeriod, high: keyof ForecastPeriod, className: string) => {
    const upper = forecast.map((period, step): [number, number] => [at(step), (period[high] as number | null) ?? period.mean]);
    const lower = forecast.map((period, step): [number, number] => [at(step), (period[low] as number | null) ?? period.mean]).reverse();
    return forecast.length ? svg('polygon', { class: className, points: points([...upper, ...lower]) }) : null;
  };
  // The forecast line starts at the last week of history, so the two read as one series.
  const forecastLine: Array<[number, number]> = [
    ...(history.length ? [[history.length - 1, history[history.length - 1]] as [number, number]] : []),
    ...forecast.map((period, step): [number, number] => [at(step), period.mean]),
  ];
  const lastForecast = forecast[forecast.length - 1];
  const summary =
    `${history.length} weeks of history up to ${weekEnds[weekEnds.length - 1] ?? '–'} (last ${format.quantity(history[history.length - 1])}), ` +
    `forecast of ${forecast.length} weeks` +
    (lastForecast ? ` to ${lastForecast.periodStart}, mean ${forecast.map((period) => format.quantity(period.mean)).join(', ')}` : '');

  return h(
    'figure',
    { class: 'chart-figure' },
    svg(
      'svg',
      { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Weekly demand chart: ${summary}` },
      svg('title', {}, summary),
      svg('line', { class: 'axis', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(0), y2: y(0) }),
      svg('text', { x: 2, y: y(highest) + 4 }, format.quantity(highest)),
      svg('text', { x: 2, y: y(0) }, '0'),
      band('lo95', 'hi95', 'band95'),
      band('lo80', 'hi80', 'band80'),
      history.length ? svg('polyline', { class: 'history', points: points(history.map((value, index): [number, number] => [index, value])) }) : null,
      forecast.length ? svg('polyline', { class: 'forecast', points: points(forecastLine) }) : null,
      svg('text', { x: MARGIN.left, y: HEIGHT - 6 }, weekEnds[0] ?? ''),
      lastForecast ? svg('text', { x: WIDTH - MARGIN.right, y: HEIGHT - 6, 'text-anchor': 'end' }, lastForecast.periodStart) : null,
    ),
    h('figcaption', { class: 'legend' }, 'Black: weekly sales. Blue: forecast, with 80 % (dark) and 95 % (light) intervals.'),
  );
}
