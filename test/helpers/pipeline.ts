import { loadConfig } from '../../src/config';
import type { Services } from '../../src/services';

/** A small pipeline: 20 demo SKUs in chunks of 7 (several forecast jobs), 8 weeks ahead from 104 weeks of history. */
export const smallPipelineConfig = loadConfig({ FORECAST_CHUNK_SIZE: '7', FORECAST_HORIZON_WEEKS: '8', HISTORY_WEEKS: '104' });
export const smallDemoSeed = { skuCount: 20, endDate: '2026-06-30', seed: 7 };

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
