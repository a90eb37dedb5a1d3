/**
 * replen simulate --input FILE --output FILE --lead-time L --review-period R --service-level P
 *                 [--season-length M] [--lead-time-sd S] [--warmup W] [--seed N]
 * The policy backtest: reads series_id,period,value demand rows (src/cli/csv.ts), replays the planner's own periodic-review
 * order-up-to levels over each series (src/services/replay/backtest.ts: the forecast stage's and the plan stage's
 * functions at each review) and writes one row per series:
 * series_id,target_csl,achieved_csl,fill_rate,avg_on_hand,avg_backordered,orders,cycles,demand_class,method
 * (achieved_csl and fill_rate empty when a series has no complete cycle or no demand in the replay).
 * The output appears only when every series succeeded: written to a temporary file beside the target, then renamed.
 * Exit codes: 0 done; 2 bad flags or bad input (message on stderr, naming the line or the series); 1 anything unexpected.
 */
import { z } from 'zod';
import { decimalFlag, parseCommandFlags, serviceLevelFlag, stringFlags, wholeNumberFlag } from './flags';
import { backtestPooledTails, backtestSeries } from '../services/replay/backtest';
import type { PooledTail } from '../../models/policy/pooled-tail';
import { csvField } from '../csv-field';
import { csvNumber, isInputError, readSeriesCsv, SeriesError, writeLinesAtomically } from './csv';

export const simulateUsage =
  'usage: replen simulate --input FILE --output FILE --lead-time L --review-period R --service-level P [--season-length M] [--lead-time-sd S] [--warmup W] [--seed N]';

const flagsSchema = z
  .object({
    input: z.string({ error: '--input is required' }).min(1, '--input is required'),
    output: z.string({ error: '--output is required' }).min(1, '--output is required'),
    'lead-time': wholeNumberFlag('--lead-time', 0),
    'review-period': wholeNumberFlag('--review-period', 1),
    'service-level': serviceLevelFlag,
    'season-length': wholeNumberFlag('--season-length', 1).default(1),
    'lead-time-sd': decimalFlag('--lead-time-sd').default(0),
    warmup: wholeNumberFlag('--warmup', 1).optional(),
    seed: wholeNumberFlag('--seed', 0).default(1),
  })
  .refine((flags) => flags['lead-time-sd'] === 0 || flags['lead-time'] >= 1, '--lead-time-sd needs --lead-time ≥ 1');

type Flags = z.infer<typeof flagsSchema>;

const parseFlags = (argv: string[]): Flags =>
  parseCommandFlags(argv, stringFlags(['input', 'output', 'lead-time', 'review-period', 'service-level', 'season-length', 'lead-time-sd', 'warmup', 'seed']), flagsSchema);

const header = 'series_id,target_csl,achieved_csl,fill_rate,avg_on_hand,avg_backordered,orders,cycles,demand_class,method';

/** One output row; the warm-up defaults to half of the series (rounded down), so every series has a replay. */
function simulateSeries(id: string, values: number[], flags: Flags, pooledTails: ReadonlyMap<string, PooledTail>): string {
  const missing = values.findIndex((value) => !(value >= 0));
  if (missing >= 0) throw new SeriesError(`series '${id}': demand must be a number ≥ 0, got ${values[missing]} in its period ${missing + 1} (in period order)`);
  const warmup = flags.warmup ?? Math.floor(values.length / 2);
  if (warmup < 1 || warmup >= values.length) {
    throw new SeriesError(`series '${id}' has ${values.length} periods: the warm-up of ${warmup} leaves none to replay (needs at least ${warmup + 1})`);
  }
  const result = backtestSeries(values, {
    leadTime: flags['lead-time'],
    reviewPeriod: flags['review-period'],
    serviceLevel: flags['service-level'],
    seasonLength: flags['season-length'],
    leadTimeStdDev: flags['lead-time-sd'],
    warmup,
    seed: flags.seed,
    pooledTails,
  });
  const optional = (value: number | null) => (value === null ? '' : csvNumber(value));
  return [
    csvField(id),
    csvNumber(result.targetCycleServiceLevel),
    optional(result.achievedCycleServiceLevel),
    optional(result.fillRate),
    csvNumber(result.averageOnHand),
    csvNumber(result.averageBackordered),
    String(result.orders),
    String(result.cycles),
    result.demandClass,
    csvField(result.method),
  ].join(',');
}

/** Runs the simulate command; resolves to the process exit code. */
export async function runSimulateCommand(argv: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`replen simulate: ${(error as Error).message}\n${simulateUsage}\n`);
    return 2;
  }
  try {
    const series = await readSeriesCsv(flags.input);
    const warmupOf = (values: number[]) => flags.warmup ?? Math.floor(values.length / 2);
    // The plan stage pools each demand class's error tail over its run; the backtest over the series given (their warm-ups).
    const pooledTails = backtestPooledTails(
      series.filter(({ values }) => warmupOf(values) >= 1 && warmupOf(values) < values.length && values.every((value) => value >= 0)).map(({ values }) => ({ demand: values, warmup: warmupOf(values), seasonLength: flags['season-length'] })),
      { leadTime: flags['lead-time'], reviewPeriod: flags['review-period'] },
    );
    await writeLinesAtomically(flags.output, [header, ...series.map(({ id, values }) => simulateSeries(id, values, flags, pooledTails))]);
    process.stdout.write(`replen simulate: ${series.length} series replayed, written to ${flags.output}\n`);
    return 0;
  } catch (error) {
    const known = isInputError(error);
    process.stderr.write(`replen simulate: ${known ? '' : 'unexpected error: '}${(error as Error).message}\n`);
    return known ? 2 : 1;
  }
}
