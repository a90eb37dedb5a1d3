import { loadConfig } from '../../src/config';
import { createServices } from '../../src/container';
import { createLogger } from '../../src/logger';
import { seedDemoData } from '../../db/seeds/demo';
import { InProcessRunner } from '../../jobs/in-process-runner';
import { openTestDb, type TestDb } from './database';
import type { Services } from '../../src/services';
import type { ItemRange, RunDispatcher } from '../../jobs/dispatcher';

/** A small pipeline: 20 demo SKUs in chunks of 7 (several forecast jobs), 8 weeks ahead from 104 weeks of history. */
export const smallPipelineConfig = loadConfig({ FORECAST_CHUNK_SIZE: '7', FORECAST_HORIZON_WEEKS: '8', HISTORY_WEEKS: '104' });
export const smallDemoSeed = { skuCount: 20, endDate: '2026-06-30', seed: 7 };

/** Keeps the chunks of a started run, so the test runs them itself. */
export class RecordingDispatcher implements RunDispatcher {
  readonly runs = new Map<number, ItemRange[]>();
  async dispatchRun(runId: number, chunks: ItemRange[]): Promise<void> {
    this.runs.set(runId, chunks);
  }
}

/** Polls a run until it leaves 'running' (BullMQ runs finish in other connections' time). */
export async function waitForRun(services: Services, runId: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await services.pipeline.getRun(runId);
    if (run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The small demo catalogue on a fresh PGlite, with services on an in-process runner: a whole pipeline in one process. */
export async function openInProcessPipeline(): Promise<{ testDb: TestDb; runner: InProcessRunner; services: Services; close(): Promise<void> }> {
  const logger = createLogger('silent');
  const testDb = await openTestDb('pglite');
  await seedDemoData(testDb.db, smallDemoSeed);
  const runner = new InProcessRunner(logger);
  const services = createServices({ db: testDb.db, config: smallPipelineConfig, logger, dispatcher: runner });
  runner.attach(services);
  return {
    testDb,
    runner,
    services,
    close: async () => {
      await runner.close();
      await testDb.drop();
    },
  };
}
