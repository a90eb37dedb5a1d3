/**
 * report.html of `replen replay --report`: one self-contained page (inline SVG and CSS, no script, no network) with,
 * per demand class, each SKU's achieved service against its average stock (this run's policy and target: the point of
 * the service-vs-stock curve a replay at one target gives; replays at several targets and policies trace the curves),
 * and the weekly on-hand and backorder trace of the five SKUs that did worst, so a buyer can see where the plan fails.
 */
import type { SeriesOutcome } from './driver';
import type { OutcomeSummary } from './summary';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const percent = (value: number | null) => (value === null ? '–' : `${(100 * value).toFixed(1)} %`);

/** The SKUs that did worst: lowest achieved service, then most units backordered. */
export function worstOutcomes(outcomes: SeriesOutcome[], count = 5): SeriesOutcome[] {
  return [...outcomes]
    .sort((a, b) => (a.achievedCsl ?? 1) - (b.achievedCsl ?? 1) || b.backorderedUnits - a.backorderedUnits)
    .slice(0, count);
}

function scatter(outcomes: SeriesOutcome[], target: number): string {
  const width = 360;
  const height = 220;
  const pad = 36;
  const maxStock = Math.max(1, ...outcomes.map((outcome) => outcome.avgOnHand));
  const x = (stock: number) => pad + ((width - 2 * pad) * stock) / maxStock;
  const y = (csl: number) => height - pad - (height - 2 * pad) * csl;
  const points = outcomes
    .filter((outcome) => outcome.achievedCsl !== null)
    .map((outcome) => `<circle cx="${x(outcome.avgOnHand).toFixed(1)}" cy="${y(outcome.achievedCsl!).toFixed(1)}" r="3"><title>${escapeHtml(outcome.seriesId)}: ${percent(outcome.achievedCsl)}, ${outcome.avgOnHand.toFixed(1)} on hand</title></circle>`)
    .join('');
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="achieved service against average stock">
  <line x1="${pad}" y1="${y(target)}" x2="${width - pad}" y2="${y(target)}" class="target"/>
  <line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" class="axis"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" class="axis"/>
  <text x="${pad - 4}" y="${y(1) + 4}" text-anchor="end">100 %</text><text x="${pad - 4}" y="${y(0) + 4}" text-anchor="end">0</text>
  <text x="${width - pad}" y="${height - pad + 16}" text-anchor="end">average on hand ${maxStock.toFixed(1)}</text>
  <text x="${width - pad}" y="${y(target) - 4}" text-anchor="end" class="target-label">target ${percent(target)}</text>
  ${points}</svg>`;
}

function trace(outcome: SeriesOutcome): string {
  const width = 560;
  const height = 160;
  const pad = 30;
  const weeks = outcome.weeklyOnHand.length;
  const top = Math.max(1, ...outcome.weeklyOnHand, ...outcome.weeklyBackordered, ...outcome.weeklyDemand);
  const x = (week: number) => pad + ((width - 2 * pad) * week) / Math.max(1, weeks - 1);
  const y = (value: number) => height - pad - ((height - 2 * pad) * value) / top;
  const line = (values: number[], name: string) => `<polyline class="${name}" points="${values.map((value, week) => `${x(week).toFixed(1)},${y(value).toFixed(1)}`).join(' ')}"/>`;
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="weekly on hand, backorders and demand of ${escapeHtml(outcome.seriesId)}">
  <line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" class="axis"/>
  <text x="${pad - 4}" y="${y(top) + 4}" text-anchor="end">${top.toFixed(0)}</text><text x="${pad - 4}" y="${height - pad + 4}" text-anchor="end">0</text>
  <text x="${width - pad}" y="${height - pad + 16}" text-anchor="end">week ${weeks}</text>
  ${line(outcome.weeklyDemand, 'demand')}${line(outcome.weeklyOnHand, 'on-hand')}${line(outcome.weeklyBackordered, 'backordered')}</svg>`;
}

export function replayReport(input: { policy: string; outcomes: SeriesOutcome[]; summary: { overall: OutcomeSummary; byClass: Record<string, OutcomeSummary> } }): string {
  const { outcomes, summary } = input;
  const target = summary.overall.targetCsl;
  const rows = Object.entries(summary.byClass)
    .map(([name, group]) => `<tr><td>${escapeHtml(name)}</td><td>${group.series}</td><td>${percent(group.achievedCsl)}</td><td>${percent(group.fillRate)}</td><td>${group.avgOnHand.toFixed(2)}</td><td>${group.backorderedUnits.toFixed(0)}</td><td>${percent(group.etaP90Met)}</td></tr>`)
    .join('\n');
  const classes = Object.keys(summary.byClass)
    .map((name) => `<figure><figcaption>${escapeHtml(name)}: ${summary.byClass[name].series} SKUs, mean ${percent(summary.byClass[name].achievedCsl)}</figcaption>${scatter(outcomes.filter((outcome) => outcome.demandClass === name), target)}</figure>`)
    .join('\n');
  const worst = worstOutcomes(outcomes)
    .map((outcome) => `<figure><figcaption>${escapeHtml(outcome.seriesId)} (${escapeHtml(outcome.demandClass)}): ${percent(outcome.achievedCsl)} of cycles served, ${outcome.backorderedUnits.toFixed(0)} units backordered, ${outcome.orders} orders</figcaption>${trace(outcome)}</figure>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>replen replay: ${escapeHtml(input.policy)} at ${percent(target)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1a1a1a; }
table { border-collapse: collapse; } td, th { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: right; } td:first-child, th:first-child { text-align: left; }
figure { display: inline-block; margin: 8px 16px 16px 0; vertical-align: top; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font-size: 11px; fill: #555; } .axis { stroke: #999; } .target { stroke: #c0392b; stroke-dasharray: 4 3; } .target-label { fill: #c0392b; }
circle { fill: #2563eb; fill-opacity: 0.6; } polyline { fill: none; stroke-width: 1.5; }
.on-hand { stroke: #2563eb; } .backordered { stroke: #c0392b; } .demand { stroke: #999; stroke-dasharray: 3 2; }
.legend span { margin-right: 16px; } .legend i { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin-right: 4px; }
</style></head><body>
<h1>Replay: policy ${escapeHtml(input.policy)}, target ${percent(target)}</h1>
<p>${summary.overall.series} SKUs; mean achieved cycle service ${percent(summary.overall.achievedCsl)}, fill rate ${percent(summary.overall.fillRate)}, ${summary.overall.avgOnHand.toFixed(2)} units on hand per SKU on average.</p>
<table><thead><tr><th>class</th><th>SKUs</th><th>achieved CSL</th><th>fill rate</th><th>avg on hand</th><th>units backordered</th><th>ETA p90 met</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Service against stock, per class</h2>
<p>Each point is one SKU of this replay. Replays of the same input at other targets and with <code>--policy textbook</code> or <code>minmax</code> trace each policy's curve.</p>
${classes}
<h2>The five SKUs that did worst</h2>
<p class="legend"><span><i style="background:#2563eb"></i>on hand at week end</span><span><i style="background:#c0392b"></i>backordered at week end</span><span><i style="background:#999"></i>demand of the week</span></p>
${worst}
</body></html>
`;
}
