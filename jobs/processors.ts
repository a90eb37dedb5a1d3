import type { ItemRange } from './dispatcher';
import type { PipelineService } from '../src/services/pipeline-service';

/** What processors may call. A processor never sees BullMQ, HTTP or SQL. */
export interface JobServices {
  pipeline: PipelineService;
}

export interface ForecastChunkData extends ItemRange {
  runId: number;
}

export interface RunData {
  runId: number;
}

export interface StartRunData {
  trigger: string;
}

/**
 * The job processors: plain functions `(data, services) => result`. The BullMQ worker, the in-process runner,
 * the CLI and the tests all call these same functions.
 */
export const processors = {
  /** Opens a run and hands its chunks to the dispatcher (a BullMQ flow, or the in-process loop). */
  'start-run': (data: StartRunData, services: JobServices) => services.pipeline.startRun(data.trigger),
  /** Forecasts one chunk of items; rewrites that chunk's rows for the run, so a retry never doubles them. */
  'forecast-chunk': (data: ForecastChunkData, services: JobServices) => services.pipeline.forecastChunk(data.runId, { firstItemId: data.firstItemId, lastItemId: data.lastItemId }),
  /** Runs once every forecast chunk of the run is done: planning, then closes the run. */
  'plan-run': (data: RunData, services: JobServices) => services.pipeline.planRun(data.runId),
};

export type JobName = keyof typeof processors;
export type JobData<Name extends JobName> = Parameters<(typeof processors)[Name]>[0];
