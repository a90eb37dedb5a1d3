import type { SourceSummary } from '../src/services/connectors';
import type { JobData, JobName } from './processors';

/**
 * Every recurring job, in one place. Both runners read this list: BullMQ through upsertJobScheduler
 * (idempotent: restarting does not add a second schedule), the in-process runner through its own timer.
 */
export type Schedule = { [Name in JobName]: { id: string; pattern: string; job: Name; data: JobData<Name> } }[JobName];

/** One pull per configured source, on its own schedule (01:00 UTC by default, before the nightly pipeline). */
export function schedules(
  config: { PIPELINE_SCHEDULE: string; HOUSEKEEPING_SCHEDULE: string; WEBHOOK_SCHEDULE?: string; SENSE_SCHEDULE: string },
  sources: SourceSummary[] = [],
): Schedule[] {
  return [
    ...(config.WEBHOOK_SCHEDULE ? [{ id: 'webhook-delivery', pattern: config.WEBHOOK_SCHEDULE, job: 'deliver-webhooks', data: {} } satisfies Schedule] : []),
    ...sources.map((source): Schedule => ({ id: `pull-${source.name}`, pattern: source.schedule, job: 'pull-source', data: { source: source.name } })),
    { id: 'nightly-pipeline', pattern: config.PIPELINE_SCHEDULE, job: 'start-run', data: { trigger: 'schedule' } },
    { id: 'demand-sensing', pattern: config.SENSE_SCHEDULE, job: 'start-sense', data: { trigger: 'schedule' } },
    { id: 'housekeeping', pattern: config.HOUSEKEEPING_SCHEDULE, job: 'housekeeping', data: {} },
  ];
}
