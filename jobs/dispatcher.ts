/** A consecutive range of item ids: the unit of work of one forecast job. */
export interface ItemRange {
  firstItemId: number;
  lastItemId: number;
}

/** Hands a run's work to whatever executes jobs: the in-process runner or BullMQ. */
export interface RunDispatcher {
  /**
   * Queues the chunks and then the plan step of a run. `dispatch` counts the times this run was dispatched (1 the
   * first time): each dispatch's jobs are distinct, so a run whose jobs were lost can be queued again.
   */
  dispatchRun(runId: number, chunks: ItemRange[], dispatch?: number): Promise<void>;
  /**
   * Whether that dispatch of the run still has a job that will run (waiting, active, delayed). The run watchdog asks
   * before dispatching a stalled run again; a dispatcher without it (test doubles) is never second-guessed.
   */
  hasLiveJobs?(runId: number, dispatch: number): Promise<boolean>;
  /** Throws (fast) when jobs cannot be queued now, so that nothing is opened that could not be dispatched. */
  ensureReachable?(): Promise<void>;
  /** Queues a webhook delivery sweep soon; without it the scheduled sweep sends what the outbox holds. */
  dispatchWebhookDelivery?(): Promise<void>;
  /** Queues the work of an opened sense run; without it the sense service runs it in its own process. */
  dispatchSense?(runId: number): Promise<void>;
}
