/**
 * replen replay --input FILE --output FILE --summary FILE [--report FILE] --service-level P --lead-time L [--lead-time-sd S]
 *               [--lateness W] [--review-period R] [--warmup W] [--moq Q] [--multiple M] [--max-order Q]
 *               [--service-measure cycle|fill-rate] [--policy replen|textbook|minmax] [--seed N]
 *               [--sense] [--inject-spikes SHARE [--spike-factor F] [--spike-weeks W]]
 * The closed-loop replay (src/services/replay): weekly demand series_id,period,value (as `replen forecast` reads it)
 * become SKUs of one supplier on a fresh embedded database; the real pipeline plans each review on a simulated clock,
 * every proposal is approved and delivered after a drawn lead time, and demand is served, backordered and recorded as
 * censored sales day by day. Writes one row per series to --output:
 * series_id,demand_class,target_csl,achieved_csl,fill_rate,avg_on_hand,avg_on_hand_value,backordered_units,backorder_days,orders,eta_p90_met
 * and the same per demand class and overall to --summary (JSON); --report writes report.html (src/services/replay/report.ts).
 * --sense runs the sense job (`replen sense`) after every simulated day, the buyer approving what it re-plans;
 * --inject-spikes 0.05 multiplies the demand of 5 % of the series (chosen with --seed) by --spike-factor (5) for
 * --spike-weeks (1) weeks from a random replayed week; summary.json's `spikes` says how many ran out during them.
 * One progress line per simulated week on stderr.
 * Exit codes: 0 done; 2 bad flags or bad input; 1 anything unexpected.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { decimalFlag, parseCommandFlags, serviceLevelFlag, stringFlags, wholeNumberFlag } from './flags';
import type { SeriesOutcome } from '../services/replay/driver';
import { runReplay } from '../services/replay/run-replay';
import { replayReport } from '../services/replay/report';
import { summariseOutcomes } from '../services/replay/summary';
import { csvField } from '../csv-field';
import { csvNumber, isInputError, readSeriesCsv, SeriesError, writeLinesAtomically } from './csv';

export const replayUsage =
  'usage: replen replay --input FILE --output FILE --summary FILE [--report FILE] --service-level P --lead-time L [--lead-time-sd S] [--lateness W] [--review-period R] [--warmup W] [--moq Q] [--multiple M] [--max-order Q] [--service-measure cycle|fill-rate] [--policy replen|textbook|minmax] [--seed N] [--sense] [--inject-spikes SHARE [--spike-factor F] [--spike-weeks W]]';

const flagsSchema = z
  .object({
    input: z.string({ error: '--input is required' }).min(1, '--input is required'),
    output: z.string({ error: '--output is required' }).min(1, '--output is required'),
    summary: z.string({ error: '--summary is required' }).min(1, '--summary is required'),
    report: z.string().min(1, '--report needs a file name').optional(),
    'service-level': serviceLevelFlag,
    'lead-time': wholeNumberFlag('--lead-time', 1).refine((n) => n <= 52, '--lead-time is in weeks: at most 52'),
    'lead-time-sd': decimalFlag('--lead-time-sd').default(0),
    lateness: decimalFlag('--lateness').default(0),
    'review-period': wholeNumberFlag('--review-period', 1).refine((n) => n <= 52, '--review-period is in weeks: at most 52').default(1),
    warmup: wholeNumberFlag('--warmup', 8).default(52),
    moq: decimalFlag('--moq').refine((n) => n > 0, '--moq must be > 0').default(1),
    multiple: decimalFlag('--multiple').refine((n) => n > 0, '--multiple must be > 0').default(1),
    'max-order': decimalFlag('--max-order').refine((n) => n > 0, '--max-order must be > 0').optional(),
    'service-measure': z.enum(['cycle', 'fill-rate'], { error: '--service-measure must be cycle or fill-rate' }).default('cycle'),
    policy: z.enum(['replen', 'textbook', 'minmax'], { error: '--policy must be replen, textbook or minmax' }).default('replen'),
    seed: wholeNumberFlag('--seed', 0).default(1),
    sense: z.boolean().default(false),
    'inject-spikes': decimalFlag('--inject-spikes').refine((n) => n > 0 && n <= 1, '--inject-spikes is the share of series spiked: in (0, 1]').optional(),
    'spike-factor': decimalFlag('--spike-factor').refine((n) => n > 0, '--spike-factor must be > 0').optional(),
    'spike-weeks': wholeNumberFlag('--spike-weeks', 1).optional(),
  })
  .refine((flags) => !flags.sense || flags.policy === 'replen', '--sense re-plans with replen: it needs --policy replen')
  .refine(
    (flags) => flags['inject-spikes'] !== undefined || (flags['spike-factor'] === undefined && flags['spike-weeks'] === undefined),
    '--spike-factor and --spike-weeks need --inject-spikes',
  )
  .refine(
    (flags) => flags['max-order'] === undefined || Math.floor(flags['max-order'] / flags.multiple + 1e-9) * flags.multiple >= flags.moq,
    '--max-order leaves no multiple of --multiple at or above --moq',
  );

type Flags = z.infer<typeof flagsSchema>;

const flagNames = [
  'input', 'output', 'summary', 'report', 'service-level', 'lead-time', 'lead-time-sd', 'lateness', 'review-period', 'warmup', 'moq', 'multiple',
  'max-order', 'service-measure', 'policy', 'seed', 'inject-spikes', 'spike-factor', 'spike-weeks',
];

const parseFlags = (argv: string[]): Flags => parseCommandFlags(argv, { ...stringFlags(flagNames), sense: { type: 'boolean' } }, flagsSchema);

export const replayHeader = 'series_id,demand_class,target_csl,achieved_csl,fill_rate,avg_on_hand,avg_on_hand_value,backordered_units,backorder_days,orders,eta_p90_met';

function outcomeRow(outcome: SeriesOutcome): string {
  const optional = (value: number | null) => (value === null ? '' : csvNumber(value));
  return [
    csvField(outcome.seriesId),
    outcome.demandClass,
    csvNumber(outcome.targetCsl),
    optional(outcome.achievedCsl),
    optional(outcome.fillRate),
    csvNumber(outcome.avgOnHand),
    csvNumber(outcome.avgOnHandValue),
    csvNumber(outcome.backorderedUnits),
    String(outcome.backorderDays),
    String(outcome.orders),
    optional(outcome.etaP90Met),
  ].join(',');
}

/** Runs the replay command; resolves to the process exit code. */
export async function runReplayCommand(argv: string[], options: { forecastThreads?: number } = {}): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`replen replay: ${(error as Error).message}\n${replayUsage}\n`);
    return 2;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'replen-replay-'));
  try {
    const series = await readSeriesCsv(flags.input);
    for (const { id, values } of series) {
      const bad = values.findIndex((value) => !(value >= 0));
      if (bad >= 0) throw new SeriesError(`series '${id}': demand must be a number ≥ 0, got ${values[bad]} in its period ${bad + 1} (in period order)`);
    }
    const longest = Math.max(0, ...series.map((one) => one.values.length));
    if (longest <= flags.warmup) throw new SeriesError(`the longest series has ${longest} weeks: the warm-up of ${flags.warmup} leaves none to replay`);
    const spikeWeeks = flags['spike-weeks'] ?? 1;
    if (flags['inject-spikes'] !== undefined && longest - flags.warmup < spikeWeeks) {
      throw new SeriesError(`a spike of ${spikeWeeks} weeks does not fit in the ${longest - flags.warmup} weeks replayed`);
    }
    const { outcomes, etaAccuracy } = await runReplay(series, {
      dataDir,
      forecastThreads: options.forecastThreads ?? 2,
      serviceLevel: flags['service-level'],
      leadTimeWeeks: flags['lead-time'],
      leadTimeSdWeeks: flags['lead-time-sd'],
      latenessWeeks: flags.lateness,
      reviewPeriodWeeks: flags['review-period'],
      warmupWeeks: flags.warmup,
      moq: flags.moq,
      multiple: flags.multiple,
      maxOrder: flags['max-order'],
      serviceMeasure: flags['service-measure'],
      policy: flags.policy,
      seed: flags.seed,
      sense: flags.sense,
      spikes: flags['inject-spikes'] === undefined ? undefined : { share: flags['inject-spikes'], factor: flags['spike-factor'] ?? 5, weeks: spikeWeeks },
      onWeek: (week) =>
        process.stderr.write(
          `replen replay: week ${week.week}/${week.weeks} (${week.date}): on hand ${Math.round(week.onHand)}, backordered ${Math.round(week.backordered)}, orders ${week.orders}, ${week.elapsedSeconds.toFixed(0)} s\n`,
        ),
    });
    await writeLinesAtomically(flags.output, [replayHeader, ...outcomes.map(outcomeRow)]);
    const summary = summariseOutcomes(outcomes);
    await writeFile(flags.summary, `${JSON.stringify({ policy: flags.policy, serviceMeasure: flags['service-measure'], sense: flags.sense, ...summary, etaAccuracy: etaAccuracy.overall }, null, 2)}\n`);
    if (flags.report) await writeFile(flags.report, replayReport({ policy: flags.policy, outcomes, summary }));
    process.stdout.write(`replen replay: ${outcomes.length} series replayed over ${longest - flags.warmup} weeks, written to ${flags.output} and ${flags.summary}\n`);
    return 0;
  } catch (error) {
    const known = isInputError(error);
    process.stderr.write(`replen replay: ${known ? '' : 'unexpected error: '}${(error as Error).message}\n`);
    return known ? 2 : 1;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
