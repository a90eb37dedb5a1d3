import type { ItemRange } from './dispatcher';
import type { PipelineService } from '../src/services/pipeline-service';
import type { ConnectorService } from '../src/services/connectors';
import type { WebhookService } from '../src/services/webhook-service';
import type { SenseService } from '../src/services/sense-service';

/** What processors may call. A processor never sees BullMQ, HTTP or SQL. */
export interface JobServices {
  pipeline: PipelineService;
  connectors: ConnectorService;
  webhooks: WebhookService;
  sense: SenseService;
}
/** Each processor asks only for the services it calls, so callers (tests) may pass just those. */
type PipelineJobServices = Pick<JobServices, 'pipeline'>;

export interface ForecastChunkData extends ItemRange {
  runId: number;
}

export interface RunData {
  runId: number;
}

export interface StartRunData {
  trigger: string;
}

export interface PullSourceData {
  source: string;
}

/** Housekeeping takes its settings (the retention) from the services' configuration. */
export type HousekeepingData = Record<string, never>;

/** A delivery sweep sends whatever the outbox holds that is due. */
export type DeliverWebhooksData = Record<string, never>;

/**
 * The job processors: plain functions `(data, services) => result`. The BullMQ worker, the in-process runner,
 * the CLI and the tests all call these same functions.
 */
export const processors = {
  /** Opens a run and hands its chunks to the dispatcher (a BullMQ flow, or the in-process loop). */
  'start-run': (data: StartRunData, services: PipelineJobServices) => services.pipeline.startRun(data.trigger),
  /** Forecasts one chunk of items; rewrites that chunk's rows for the run, so a retry never doubles them. */
  'forecast-chunk': (data: ForecastChunkData, services: PipelineJobServices) => services.pipeline.forecastChunk(data.runId, { firstItemId: data.firstItemId, lastItemId: data.lastItemId }),
  /** Runs once every forecast chunk of the run is done: planning, then closes the run. */
  'plan-run': (data: RunData, services: PipelineJobServices) => services.pipeline.planRun(data.runId),
  /** Pulls one configured ERP source (CSV folder, HTTP endpoint or reporting database) through the import service. */
  'pull-source': (data: PullSourceData, services: Pick<JobServices, 'connectors'>) => services.connectors.pull(data.source),
  /** Opens a sense run and runs it here (the schedule): recent sales against the forecast, flagged SKUs re-planned. */
  'start-sense': (data: StartRunData, services: Pick<JobServices, 'sense'>) => services.sense.runNow(data.trigger),
  /** The work of a sense run opened elsewhere (POST /runs {"kind": "sense"}). */
  sense: (data: RunData, services: Pick<JobServices, 'sense'>) => services.sense.senseRun(data.runId),
  /** Prunes old runs: their bulk rows go, buyers' decisions stay. */
  housekeeping: (_data: HousekeepingData, services: PipelineJobServices) => services.pipeline.pruneRuns(),
  /** Sends due webhook deliveries (first attempts and retries), recording each attempt; leased, so workers may run it side by side. */
  'deliver-webhooks': (_data: DeliverWebhooksData, services: Pick<JobServices, 'webhooks'>) => services.webhooks.deliverDue(),
};

export type JobName = keyof typeof processors;
export type JobData<Name extends JobName> = Parameters<(typeof processors)[Name]>[0];

/** Runs the processor a job names, for callers holding any job's name and data (the schedules). */
export function runJob<Name extends JobName>(name: Name, data: JobData<Name>, services: JobServices): Promise<unknown> {
  return (processors[name] as (data: JobData<Name>, services: JobServices) => Promise<unknown>)(data, services);
}
