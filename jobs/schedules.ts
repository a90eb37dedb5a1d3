/**
 * Every recurring job, in one place. Both runners read this list: BullMQ through upsertJobScheduler
 * (idempotent: restarting does not add a second schedule), the in-process runner through its own timer.
 */
export interface Schedule {
  id: string;
  pattern: string;
  job: 'start-run';
  data: { trigger: string };
}

export function schedules(config: { PIPELINE_SCHEDULE: string }): Schedule[] {
  return [{ id: 'nightly-pipeline', pattern: config.PIPELINE_SCHEDULE, job: 'start-run', data: { trigger: 'schedule' } }];
}
