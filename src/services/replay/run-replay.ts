import type { Knex } from 'knex';
import { closeDb, createDb } from '../../../db/connection';
import { migrateLatest } from '../../../db/migrate';
import type { ItemRange } from '../../../jobs/dispatcher';
import { ForecastPool } from '../../../jobs/forecast-pool';
import { SimulatedClock } from '../../clock';
import { loadConfig } from '../../config';
import { createServices } from '../../container';
import { createLogger } from '../../logger';
import type { EtaAccuracy } from '../backorder-service';
import type { Services } from '../index';
import { replaySeries, type ReplayDriverOptions, type ReplaySeries, type SeriesOutcome, type WeekProgress } from './driver';

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
 * except the service levels, which are the replay's target for every class.
 */
export interface ReplayResult {
  outcomes: SeriesOutcome[];
  /** The backordered lines that shipped against the ETAs the backorder stage gave them: GET /backorders/accuracy's figure. */
  etaAccuracy: EtaAccuracy;
}

export async function runReplay(series: ReplaySeries[], options: RunReplayOptions): Promise<ReplayResult> {
  const level = String(options.serviceLevel);
  const config = loadConfig({ ...process.env, SERVICE_LEVEL_A: level, SERVICE_LEVEL_B: level, SERVICE_LEVEL_C: level, SEED_DEMO_DATA: 'false', SOURCES_FILE: '' });
  const db: Knex = await createDb({ dataDir: options.dataDir });
  const pool = options.forecastThreads > 0 ? new ForecastPool(options.forecastThreads) : undefined;
  try {
    await migrateLatest(db);
    const clock = new SimulatedClock(new Date(0));
    let dispatched: { runId: number; chunks: ItemRange[] } | undefined;
    const services: Services = createServices({
      db,
      config,
      logger: createLogger('silent'),
      clock,
      forecaster: pool,
      dispatcher: { dispatchRun: async (runId, chunks) => void (dispatched = { runId, chunks }) },
    });
    const runPipeline = async () => {
      const { runId } = await services.pipeline.startRun('replay');
      const chunks = dispatched?.runId === runId ? dispatched.chunks : [];
      // The chunks side by side, so that every forecast thread has work.
      await Promise.all(chunks.map((chunk) => services.pipeline.forecastChunk(runId, chunk)));
      await services.pipeline.planRun(runId);
      return runId;
    };
    const outcomes = await replaySeries(series, options, { db, services, clock, runPipeline, onWeek: options.onWeek });
    return { outcomes, etaAccuracy: await services.backorders.accuracy({}) };
  } finally {
    await pool?.close();
    await closeDb(db);
  }
}
