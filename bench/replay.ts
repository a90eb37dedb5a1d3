/**
 * The closed-loop replay's speed and outcome (npm run bench:replay): N demo-catalogue SKUs (db/seeds/demo.ts, the
 * weekly totals of their first location), a warm-up of 52 weeks then 52 replayed weeks through the real pipeline
 * (src/services/replay) on a fresh embedded database, forecasts on 2 worker threads. Prints one progress line per
 * simulated week, then the time per week, the seconds per stage (the warm-up import, the weekly imports, the run's
 * forecast, plan and backorder stages, the buyer and ERP around them, the simulated days), the whole time, the peak RSS, the machine's load average at start and
 * end (figures taken on a loaded machine are not valid; the process's CPU time, all threads, is a floor that load
 * does not move much), and the outcome per demand class.
 * Target: 1,000 SKUs × 52 weeks in under 10 minutes on 2 cores.
 * Run: npm run bench:replay -- [--skus N] [--weeks W] [--warmup W] [--service-level P] [--lead-time L] [--lead-time-sd S] [--policy replen|textbook|minmax]
 *        [--sense] [--inject-spikes SHARE [--spike-factor F] [--spike-weeks W]] [--seed N]   (as `replen replay`; prints the spiked SKUs' stock-outs)
 *        [--summary] [--outcomes FILE]
 * --summary prints where the stock is: the spiked SKUs one by one (first day, ran out, first sensed day, average on
 * hand, units the sense runs ordered), then the average on hand of the spiked SKUs, of the unspiked ones the sense
 * job flagged (any kind) and of the others. --outcomes writes every series' outcome as JSON (without the weekly
 * traces), to set a replay with --sense beside the same replay without it, SKU by SKU.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dayNumber } from '../db/dates';
import { generateDemoData } from '../db/seeds/demo';
import type { BacktestPolicy } from '../src/services/replay/backtest';
import { runReplay } from '../src/services/replay/run-replay';
import { summariseOutcomes } from '../src/services/replay/summary';

const { values: args } = parseArgs({
  options: {
    skus: { type: 'string', default: '1000' },
    weeks: { type: 'string', default: '52' },
    warmup: { type: 'string', default: '52' },
    'service-level': { type: 'string', default: '0.95' },
    'lead-time': { type: 'string', default: '2' },
    'lead-time-sd': { type: 'string', default: '0.5' },
    policy: { type: 'string', default: 'replen' },
    sense: { type: 'boolean', default: false },
    'inject-spikes': { type: 'string' },
    'spike-factor': { type: 'string', default: '5' },
    'spike-weeks': { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    summary: { type: 'boolean', default: false },
    outcomes: { type: 'string' },
  },
});
const skuCount = Number(args.skus);
const replayWeeks = Number(args.weeks);
const warmup = Number(args.warmup);
const END_DATE = '2026-11-29'; // a Sunday: the demo's last week is whole

/** The demo catalogue's demand as weekly series (first location of each item), the last warm-up + replay weeks. */
function demoSeries(): Array<{ id: string; values: number[] }> {
  const { dailySales } = generateDemoData({ skuCount, endDate: END_DATE, seed: 1 });
  const weeks = warmup + replayWeeks;
  const firstDay = dayNumber(END_DATE) - 7 * weeks + 1;
  const byItem = new Map<number, { location: number; values: number[] }>();
  for (const [itemId, locationId, date, quantity] of dailySales as Array<[number, number, string, number]>) {
    const series = byItem.get(itemId) ?? { location: locationId, values: new Array<number>(weeks).fill(0) };
    byItem.set(itemId, series);
    const week = Math.floor((dayNumber(date) - firstDay) / 7);
    if (series.location === locationId && week >= 0) series.values[week] += quantity;
  }
  return [...byItem].map(([itemId, { values }]) => ({ id: `DEMO-${itemId}`, values }));
}

/** Where the stock sits: the spiked SKUs one by one, then spiked, flagged-unspiked and other SKUs side by side. */
function printStockSummary(outcomes: Awaited<ReturnType<typeof runReplay>>['outcomes']): void {
  const spiked = outcomes.filter((outcome) => outcome.spike !== null);
  console.log('spiked SKU      class          first day  ran out  first sensed  avg on hand  sense-ordered units');
  // Ran out on day +k of the spike: an order placed on its first evening lands after about a lead time.
  for (const outcome of spiked) {
    const spike = outcome.spike!;
    const sensed = spike.firstSensedDay === null ? '–' : `+${spike.firstSensedDay - spike.firstDay}`;
    const ranOut = spike.firstShortDay === null ? 'no' : `+${spike.firstShortDay - spike.firstDay}`;
    console.log(`${outcome.seriesId.padEnd(15)} ${outcome.demandClass.padEnd(14)} ${String(spike.firstDay).padStart(9)}  ${ranOut.padStart(7)}  ${sensed.padStart(12)}  ${outcome.avgOnHand.toFixed(1).padStart(11)}  ${outcome.senseOrderedUnits.toFixed(0).padStart(19)}`);
  }
  const groups: Array<[string, typeof outcomes]> = [
    ['spiked', spiked],
    ['unspiked, flagged by sense', outcomes.filter((outcome) => outcome.spike === null && outcome.senseFlaggedDays > 0)],
    ['unspiked, never flagged', outcomes.filter((outcome) => outcome.spike === null && outcome.senseFlaggedDays === 0)],
  ];
  console.log('group                         SKUs  sum of avg on hand  mean avg on hand  flagged days  sense-ordered units  backordered units');
  for (const [name, group] of groups) {
    const total = (pick: (outcome: (typeof outcomes)[number]) => number) => group.reduce((sum, outcome) => sum + pick(outcome), 0);
    const stock = total((outcome) => outcome.avgOnHand);
    console.log(`${name.padEnd(28)} ${String(group.length).padStart(5)}  ${stock.toFixed(0).padStart(18)}  ${(group.length ? stock / group.length : 0).toFixed(1).padStart(16)}  ${total((o) => o.senseFlaggedDays).toFixed(0).padStart(12)}  ${total((o) => o.senseOrderedUnits).toFixed(0).padStart(19)}  ${total((o) => o.backorderedUnits).toFixed(0).padStart(17)}`);
  }
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const series = demoSeries();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-bench-replay-'));
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  const weekSeconds: number[] = [];
  let last = started;
  try {
    const { outcomes, etaAccuracy, stageSeconds } = await runReplay(series, {
      dataDir,
      forecastThreads: 2,
      serviceLevel: Number(args['service-level']),
      leadTimeWeeks: Number(args['lead-time']),
      leadTimeSdWeeks: Number(args['lead-time-sd']),
      latenessWeeks: 0,
      reviewPeriodWeeks: 1,
      warmupWeeks: warmup,
      moq: 1,
      multiple: 1,
      serviceMeasure: 'cycle',
      policy: args.policy as BacktestPolicy,
      seed: Number(args.seed),
      sense: args.sense,
      spikes: args['inject-spikes'] === undefined ? undefined : { share: Number(args['inject-spikes']), factor: Number(args['spike-factor']), weeks: Number(args['spike-weeks']) },
      onWeek: (week) => {
        const now = Date.now();
        weekSeconds.push((now - last) / 1000);
        last = now;
        console.log(`week ${week.week}/${week.weeks} ${week.date}: ${weekSeconds[weekSeconds.length - 1].toFixed(1)} s, on hand ${Math.round(week.onHand)}, backordered ${Math.round(week.backordered)}, orders ${week.orders}`);
      },
    });
    const total = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const summary = summariseOutcomes(outcomes);
    const peakRss = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
    console.log(`\n${series.length} SKUs × ${replayWeeks} weeks (warm-up ${warmup}), policy ${args.policy}${args.sense ? ' with the sense job daily' : ''}, seed ${args.seed}, target ${args['service-level']}, L ${args['lead-time']} ± ${args['lead-time-sd']} weeks`);
    console.log(`total ${total.toFixed(0)} s (${(total / 60).toFixed(1)} min; target < 10 min), mean ${(weekSeconds.reduce((a, b) => a + b, 0) / weekSeconds.length).toFixed(1)} s per week, peak RSS ${peakRss.toFixed(0)} MB`);
    console.log(`CPU time ${cpuSeconds.toFixed(0)} s (this process, all threads): on ${os.availableParallelism()} idle cores the replay takes at least ${(cpuSeconds / os.availableParallelism()).toFixed(0)} s; FORECAST_RESELECT_DAYS ${process.env.FORECAST_RESELECT_DAYS ?? '7 (default)'}`);
    console.log(`load average at start ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`);
    console.log('stage                            seconds  per simulated week  share');
    const staged = Object.values(stageSeconds).reduce((sum, x) => sum + x, 0);
    for (const [stage, seconds] of Object.entries(stageSeconds)) {
      console.log(`${stage.padEnd(30)} ${seconds.toFixed(1).padStart(9)}  ${(seconds / replayWeeks).toFixed(2).padStart(18)}  ${((100 * seconds) / total).toFixed(0).padStart(4)} %`);
    }
    console.log(`${'(elsewhere: setup, run bookkeeping)'.padEnd(30)} ${(total - staged).toFixed(1).padStart(9)}`);
    console.log('class            series  achieved CSL  fill rate  avg on hand  backordered units');
    for (const [name, group] of [...Object.entries(summary.byClass), ['overall', summary.overall] as const]) {
      const pct = (x: number | null) => (x === null ? '   –' : `${(100 * x).toFixed(1)} %`);
      console.log(`${name.padEnd(16)} ${String(group.series).padStart(6)}  ${pct(group.achievedCsl).padStart(12)}  ${pct(group.fillRate).padStart(9)}  ${group.avgOnHand.toFixed(1).padStart(11)}  ${group.backorderedUnits.toFixed(0).padStart(17)}`);
    }
    if (summary.spikes) {
      const { skus, ranOut, share, sensed } = summary.spikes;
      console.log(`spikes ×${args['spike-factor']} for ${args['spike-weeks']} week(s) in ${skus} SKUs: ${ranOut} ran out during the spike or the lead time after it (${(100 * share!).toFixed(1)} %); ${sensed} seen by the sense job then; average on hand ${summary.overall.avgOnHand.toFixed(2)} per SKU`);
    }
    if (args.summary) printStockSummary(outcomes);
    if (args.outcomes) {
      fs.writeFileSync(args.outcomes, JSON.stringify(outcomes.map(({ weeklyOnHand: _o, weeklyBackordered: _b, weeklyDemand: _d, ...outcome }) => outcome), null, 1));
    }
    const { lines, units, measures } = etaAccuracy.overall;
    const share = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
    console.log(`backordered lines shipped ${lines} (${units} units): by etaLateCase (first given) ${share(measures.firstEtaLateCase.onTimeUnits)} of units, by eta ${share(measures.firstEta.onTimeUnits)}; target ≥ 90 % by etaLateCase`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
