/**
 * The calibration table of README "Proving the plan" from replay summaries: DIR/<policy>-<target>.json, as
 * `npx replen replay --summary` writes them (targets 80, 90, 95, 98, 99; policies replen and textbook). Per demand class
 * with 30 series or more in the replen runs: replen's mean achieved cycle service / mean average on hand per SKU, the
 * textbook's, and "stock vs textbook": replen's stock against the textbook's interpolated linearly between its targets'
 * (achieved service, stock) points at replen's achieved service ("–" where the textbook never reaches that service, or
 * never falls that low). Bold: within ±1.5 points of the target. The same in weeks of cover (each SKU's stock over its
 * own mean weekly demand, averaged over SKUs: every item weighs the same, where units weigh the largest most), when the
 * summaries have it.
 * Run: npx tsx bench/replay-table.ts DIR [--label name] [--textbook DIR2]  (DIR2: the textbook runs, default DIR)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { label: { type: 'string' }, textbook: { type: 'string' } } });
const dir = positionals[0];
if (!dir) throw new Error('usage: npx tsx bench/replay-table.ts DIR [--label name] [--textbook DIR2]');
const textbookDir = args.textbook ?? dir;
const label = args.label ?? path.basename(dir);
const targets = [80, 90, 95, 98, 99];
const minimumSeries = 30;

type ClassSummary = { series: number; achievedCsl: number | null; avgOnHand: number; weeksOfCover?: number | null };
type Summary = { byClass: Record<string, ClassSummary> };

function read(from: string, policy: string, target: number): Summary | null {
  const file = path.join(from, `${policy}-${target}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Summary) : null;
}

const replen = targets.map((target) => read(dir, 'replen', target));
const textbook = targets.map((target) => read(textbookDir, 'textbook', target));
const classes = [...new Set(replen.flatMap((summary) => (summary ? Object.keys(summary.byClass) : [])))]
  .filter((name) => replen.every((summary) => !summary || (summary.byClass[name]?.series ?? 0) >= minimumSeries))
  .sort();

const pct = (value: number | null | undefined) => (value === null || value === undefined ? 'n/a' : (100 * value).toFixed(1));
const range = (counts: number[]) => (counts.length === 0 ? '?' : Math.min(...counts) === Math.max(...counts) ? String(counts[0]) : `${Math.min(...counts)}–${Math.max(...counts)}`);

/** The textbook's stock at a given achieved service, interpolated between its targets' points; null outside them. */
function textbookStockAt(points: Array<{ csl: number; stock: number }>, csl: number): number | null {
  const sorted = [...points].sort((a, b) => a.csl - b.csl);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [low, high] = [sorted[i], sorted[i + 1]];
    if (csl >= low.csl && csl <= high.csl) return high.csl === low.csl ? low.stock : low.stock + ((csl - low.csl) / (high.csl - low.csl)) * (high.stock - low.stock);
  }
  return sorted.length === 1 && Math.abs(sorted[0].csl - csl) < 1e-12 ? sorted[0].stock : null;
}

const lines = [`| ${label}, class (series) | ${targets.map((t, i) => (i === 0 ? `target ${t} %` : `${t} %`)).join(' | ')} |`, `| --- |${targets.map(() => ' --- |').join('')}`];
for (const name of classes) {
  const mine = replen.map((summary) => summary?.byClass[name] ?? null);
  const theirs = textbook.map((summary) => summary?.byClass[name] ?? null);
  const cell = (one: ClassSummary | null, target: number, bold: boolean) => {
    if (!one) return 'not run';
    const csl = pct(one.achievedCsl);
    const onTarget = bold && one.achievedCsl !== null && Math.abs(100 * one.achievedCsl - target) <= 1.5;
    return `${onTarget ? `**${csl}**` : csl} / ${one.avgOnHand.toFixed(1)}`;
  };
  /** replen's stock (by `measure`) against the textbook's at the same achieved service, per target. */
  const versus = (measure: (one: ClassSummary) => number | null | undefined) => {
    const points = theirs.flatMap((one) => {
      const stock = one ? measure(one) : null;
      return one && one.achievedCsl !== null && typeof stock === 'number' ? [{ csl: one.achievedCsl, stock }] : [];
    });
    return mine.map((one) => {
      const own = one ? measure(one) : null;
      if (!one || one.achievedCsl === null || typeof own !== 'number') return 'n/a';
      const stock = textbookStockAt(points, one.achievedCsl);
      if (stock === null || stock <= 0) return '–';
      const change = Math.round((100 * (own - stock)) / stock);
      return `${change > 0 ? '+' : change < 0 ? '−' : ''}${Math.abs(change)} %`;
    });
  };
  const mineCounts = mine.flatMap((one) => (one ? [one.series] : []));
  const theirCounts = theirs.flatMap((one) => (one ? [one.series] : []));
  lines.push(`| ${name} (${range(mineCounts)}): replen CSL / on hand | ${mine.map((one, i) => cell(one, targets[i], true)).join(' | ')} |`);
  lines.push(`| ${name} (${range(theirCounts)}): textbook | ${theirs.map((one, i) => cell(one, targets[i], false)).join(' | ')} |`);
  lines.push(`| ${name}: stock vs textbook | ${versus((one) => one.avgOnHand).join(' | ')} |`);
  if (mine.some((one) => typeof one?.weeksOfCover === 'number')) {
    lines.push(`| ${name}: weeks of cover, replen / textbook | ${mine.map((one, i) => `${one?.weeksOfCover?.toFixed(2) ?? 'n/a'} / ${theirs[i]?.weeksOfCover?.toFixed(2) ?? 'n/a'}`).join(' | ')} |`);
    lines.push(`| ${name}: cover vs textbook | ${versus((one) => one.weeksOfCover).join(' | ')} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
