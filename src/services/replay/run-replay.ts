import type { Knex } from 'knex';
import { closeDb, createDb } from '../../../db/connection';
import { migrateLatest } from '../../../db/migrate';
import type { ItemRange } from '../../../jobs/dispatcher';
import { ModelPool } from '../../../jobs/model-pool';
import { SimulatedClock } from '../../clock';
import { loadConfig } from '../../config';
import { createServices } from '../../container';
import { createLogger } from '../../logger';
import type { EtaAccuracy } from '../backorder-service';
import type { Services } from '../index';
import { emptyStageSeconds, replaySeries, type ReplayDriverOptions, type ReplaySeries, type SeriesOutcome, type StageSeconds, type WeekProgress } from './driver';

export interface RunReplayOptions extends ReplayDriverOptions {
  /** Folder of the replay's own embedded database (an empty one). */
  dataDir: string;
  /** Forecast on worker threads (the command line); in this thread when 0 (tests). */
  forecastThreads: number;
  onWeek?: (progress: WeekProgress) => void;
}

/**
 * Builds a fresh embedded database and the services a nightly run uses, on a simulated clock, and replays the series
 * through them (driver.ts). Settings come from the environment as for `npm start` (HISTORY_WEEKS, FORECAST_* …),
 * except the service levels and measures, which are the replay's target for every class.
 */
export interface ReplayResult {
  outcomes: SeriesOutcome[];
  /** The backordered lines that shipped against the ETAs the backorder stage gave them: GET /backorders/accuracy's figure. */
  etaAccuracy: EtaAccuracy;
  /** Seconds per stage over the whole replay (bench:replay prints them). */
  stageSeconds: StageSeconds;
}

/** The run's stages as the pipeline logs them ('stage done'), by the replay's stage names. */
const runStageNames: Record<string, keyof StageSeconds> = { plan: 'plan stage', backorders: 'backorder stage' };

/** A logger that keeps nothing but the pipeline's stage timings, added to `stageSeconds`. */
function stageTimingLogger(stageSeconds: StageSeconds) {
  return createLogger('info', {
    write(line: string) {
      if (!line.includes('"stage done"')) return;
      const { stage, ms } = JSON.parse(line) as { stage: string; ms: number };
      const name = runStageNames[stage];
      if (name) stageSeconds[name] += ms / 1000;
    },
  });
}

/**
 * Unless FORECAST_CHUNK_SIZE says otherwise, one chunk per forecast thread, so that every thread has work. More, smaller
 * chunks cost more than they save: each chunk's reads and writes (about ten statements) run on this thread, where the
 * embedded database is, and held the replay up more than the threads' waits for one another (bench:replay).
 */
function replayChunkSize(seriesCount: number, threads: number): number {
  return Math.max(MIN_REPLAY_CHUNK, Math.ceil(seriesCount / (CHUNKS_PER_THREAD * Math.max(1, threads))));
}
const CHUNKS_PER_THREAD = 1;
const MIN_REPLAY_CHUNK = 25;

export async function runReplay(series: ReplaySeries[], options: RunReplayOptions): Promise<ReplayResult> {
  const level = String(options.serviceLevel);
  const config = loadConfig({
    ...process.env,
    SERVICE_LEVEL_A: level,
    SERVICE_LEVEL_B: level,
    SERVICE_LEVEL_C: level,
    SERVICE_MEASURE_A: options.serviceMeasure,
    SERVICE_MEASURE_B: options.serviceMeasure,
    SERVICE_MEASURE_C: options.serviceMeasure,
    SEED_DEMO_DATA: 'false',
    SOURCES_FILE: '',
    FORECAST_CHUNK_SIZE: process.env.FORECAST_CHUNK_SIZE ?? String(replayChunkSize(series.length, options.forecastThreads)),
  });
  const db: Knex = await createDb({ dataDir: options.dataDir });
  const pool = options.forecastThreads > 0 ? new ModelPool(options.forecastThreads) : undefined;
  try {
    await migrateLatest(db);
    const clock = new SimulatedClock(new Date(0));
    const stageSeconds = emptyStageSeconds();
    let dispatched: { runId: number; chunks: ItemRange[] } | undefined;
    const services: Services = createServices({
      db,
      config,
      logger: stageTimingLogger(stageSeconds),
      clock,
      forecaster: pool,
      planner: pool?.planner(),
      dispatcher: { dispatchRun: async (runId, chunks) => void (dispatched = { runId, chunks }) },
    });
    const runPipeline = async () => {
      const forecastStarted = performance.now();
      const { runId } = await services.pipeline.startRun('replay');
      const chunks = dispatched?.runId === runId ? dispatched.chunks : [];
      // The chunks side by side, so that every forecast thread has work.
      await Promise.all(chunks.map((chunk) => services.pipeline.forecastChunk(runId, chunk)));
      stageSeconds['forecast stage'] += (performance.now() - forecastStarted) / 1000;
      await services.pipeline.planRun(runId);
      return runId;
    };
    const outcomes = await replaySeries(series, options, { db, services, clock, runPipeline, onWeek: options.onWeek, stageSeconds });
    return { outcomes, etaAccuracy: await services.backorders.accuracy({}), stageSeconds };
  } finally {
    await pool?.close();
    await closeDb(db);
  }
}
