/**
 * Policy backtest: does a promised cycle service level come true? Replays the planner's own (R, S) levels
 * (src/services/replay/backtest.ts: appendSeriesForecast, planningDemand and planItem at each review) over real demand at 90, 95 and 98 % and prints, per demand class, the mean achieved CSL (over series) and the mean
 * stock on hand, beside the textbook policy (S = d̄·(L + R) + z·σ_d·√(L + R) from the mean and sd of past demand) and
 * two oracles that know the replayed demand and hold one constant S (integerLevelBand): the least S that reaches the
 * target in the series, and the S whose CSL is nearest the target. With whole-unit S a slow mover's CSL moves in big
 * steps; the oracles show how close any whole-unit policy could come, and at what stock.
 * Run: npm run bench:policy   (data in ../shared/data relative to the repository root, or the folder given as argument)
 *
 * Data and settings (monthly data, L = 1 month, R = 1 month, so S covers 2 months):
 * - M3 monthly (1428 series): x followed by xx as the demand history, season 12, warm-up = length of x, so the replay runs
 *   over the 18 official test months the forecast never saw.
 * - carparts (2674 series, 51 months or fewer): season 1, warm-up 24 months, replay over the rest; series with fewer
 *   than warm-up + L + R months have no complete cycle and are left out.
 * The class is the forecast's class at the first review; on-hand stock is averaged over the
 * replayed months of each series, then over series (so large series weigh more, in units).
 * Speed: the forecast stage's model choice runs at every review (as weekly runs choose again); intermittent items draw
 * 2000 samples per review; one forecast per review serves all three levels; series are split over one child process per core.
 * Each demand class's error tail is pooled over a child's share of the series (their warm-up forecasts), as the plan
 * stage pools a run's (src/services/planning/pooled-tails.ts).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { integerLevelBand, replayOrderUpTo, type ReplayResult } from '../models/policy/simulate';
import { backtestPlan, backtestPooledTails, replayBacktestPlan } from '../src/services/replay/backtest';
import type { PooledTail } from '../models/policy/pooled-tail';

const leadTime = 1;
const reviewPeriod = 1;
const serviceLevels = [0.9, 0.95, 0.98];
const carpartsWarmup = 24;

interface Series {
  source: 'M3 monthly' | 'carparts';
  demand: number[];
  warmup: number;
  seasonLength: number;
}

function readM3(path: string): Series[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { period: string; x: number[]; xx: number[] })
    .filter((row) => row.period === 'MONTHLY')
    .map((row) => ({ source: 'M3 monthly', demand: [...row.x, ...row.xx], warmup: row.x.length, seasonLength: 12 }));
}

function readCarparts(path: string): Series[] {
  const bySeries = new Map<string, [number, number][]>();
  for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
    const [id, period, value] = line.split(',');
    if (!bySeries.has(id)) bySeries.set(id, []);
    bySeries.get(id)!.push([Number(period), Number(value)]);
  }
  return [...bySeries.values()]
    .map((rows) => rows.sort((a, b) => a[0] - b[0]).map(([, value]) => value))
    .filter((demand) => demand.length >= carpartsWarmup + leadTime + reviewPeriod)
    .map((demand) => ({ source: 'carparts', demand, warmup: carpartsWarmup, seasonLength: 1 }));
}

/** What one series adds to the table: per policy, the achieved CSL and mean on-hand stock at each level. */
interface SeriesResult {
  key: string;
  csl: Record<PolicyName, number[]>;
  onHand: Record<PolicyName, number[]>;
}

type PolicyName = 'policy' | 'textbook' | 'oracle at least' | 'oracle nearest';
const policyNames: PolicyName[] = ['policy', 'textbook', 'oracle at least', 'oracle nearest'];

function backtest({ source, demand, warmup, seasonLength }: Series, pooledTails: ReadonlyMap<string, PooledTail>): SeriesResult {
  const options = { leadTime, reviewPeriod, warmup, seasonLength, pooledTails };
  const forecast = backtestPlan(demand, 'replen', serviceLevels, options);
  const textbook = backtestPlan(demand, 'textbook', serviceLevels, options);
  const result: SeriesResult = { key: `${source} ${forecast.demandClass}`, csl: {} as SeriesResult['csl'], onHand: {} as SeriesResult['onHand'] };
  const replays: Record<PolicyName, ReplayResult[]> = {
    policy: serviceLevels.map((_, i) => replayBacktestPlan(demand, forecast, i, options)),
    textbook: serviceLevels.map((_, i) => replayBacktestPlan(demand, textbook, i, options)),
    'oracle at least': [],
    'oracle nearest': [],
  };
  for (const level of serviceLevels) {
    const { below, atLeast } = integerLevelBand(demand, level, options);
    const nearest = below && level - below.cycleServiceLevel < atLeast.cycleServiceLevel - level ? below : atLeast;
    replays['oracle at least'].push(replayOrderUpTo(demand, () => atLeast.orderUpTo, options));
    replays['oracle nearest'].push(replayOrderUpTo(demand, () => nearest.orderUpTo, options));
  }
  for (const name of policyNames) {
    result.csl[name] = replays[name].map((replay) => replay.achievedCycleServiceLevel as number);
    result.onHand[name] = replays[name].map((replay) => replay.averageOnHand);
  }
  return result;
}

/** Runs one share of the series per core in child processes (the forecasts dominate: ~50 ms per M3 series). */
async function backtestAll(series: Series[], dataFolder: string): Promise<SeriesResult[]> {
  const workers = Math.min(series.length, availableParallelism());
  const shares = await Promise.all(
    Array.from({ length: workers }, (_, share) => {
      const child = fork(__filename, [dataFolder, `--share=${share}/${workers}`]);
      return new Promise<SeriesResult[]>((done, fail) => {
        child.once('message', (message) => done(message as SeriesResult[]));
        child.once('exit', (code) => (code === 0 ? undefined : fail(new Error(`bench share ${share} exited with ${code}`))));
      });
    }),
  );
  return shares.flat();
}

const mean = (values: number[]) => values.reduce((sum, x) => sum + x, 0) / values.length;
const percent = (x: number) => (100 * x).toFixed(1).padStart(6);
const units = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2)).padStart(8);

function printTable(results: SeriesResult[], seriesCount: number, seconds: number): void {
  const byClass = new Map<string, SeriesResult[]>();
  for (const result of results) byClass.set(result.key, [...(byClass.get(result.key) ?? []), result]);
  console.log(`(R, S) backtest: L = ${leadTime}, R = ${reviewPeriod} month; ${seriesCount} series; CSL and on hand are means over the series of a class`);
  console.log('policy: the planner\'s S (planItem on the forecast stage\'s forecast: combination mean + ETS H-period error quantile; or mean + TSB sample quantile − sample mean)');
  console.log('oracle: one constant S chosen knowing the replayed demand (integerLevelBand): the least S reaching the target, and the S whose CSL is nearest it');
  console.log('class                    series target | policy CSL  on hand | textbook CSL  on hand | oracle ≥ CSL  on hand | nearest CSL | policy ±1.5 | stock vs textbook');
  for (const [key, members] of [...byClass].sort(([a], [b]) => a.localeCompare(b))) {
    serviceLevels.forEach((level, i) => {
      const csl = (name: PolicyName) => mean(members.map((member) => member.csl[name][i]));
      const onHand = (name: PolicyName) => mean(members.map((member) => member.onHand[name][i]));
      const ratio = onHand('policy') / onHand('textbook');
      console.log(
        `${key.padEnd(24)} ${String(members.length).padStart(6)} ${percent(level)} | ${percent(csl('policy'))}   ${units(onHand('policy'))} | ` +
          `${percent(csl('textbook'))}     ${units(onHand('textbook'))} | ${percent(csl('oracle at least'))}     ${units(onHand('oracle at least'))} | ` +
          `${percent(csl('oracle nearest'))}      | ${Math.abs(csl('policy') - level) <= 0.015 ? 'yes' : 'no '}         | ` +
          `${Number.isFinite(ratio) ? `${(100 * ratio).toFixed(0).padStart(4)} %` : '   –'}${csl('textbook') >= level - 0.015 ? '' : ' (textbook misses)'}`,
      );
    });
  }
  console.log(`${seconds.toFixed(1)} s on ${availableParallelism()} cores`);
}

const dataFolder = resolve(process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'data'));
const series = [...readM3(join(dataFolder, 'm3.jsonl')), ...readCarparts(join(dataFolder, 'carparts.csv'))];
const share = /^--share=(\d+)\/(\d+)$/.exec(process.argv[3] ?? '');
if (share) {
  const [index, count] = [Number(share[1]), Number(share[2])];
  const mine = series.filter((_, i) => i % count === index);
  // Each demand class's error tail pooled over this share's warm-ups, as the plan stage pools its run (backtestPooledTails).
  const pooledTails = backtestPooledTails(mine, { leadTime, reviewPeriod });
  process.send!(mine.map((one) => backtest(one, pooledTails)), () => process.exit(0));
} else {
  const started = Date.now();
  backtestAll(series, dataFolder).then((results) => printTable(results, series.length, (Date.now() - started) / 1000));
}
