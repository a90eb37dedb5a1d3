/** A consecutive range of item ids: the unit of work of one forecast job. */
export interface ItemRange {
  firstItemId: number;
  lastItemId: number;
}

/** Hands a run's work to whatever executes jobs: the in-process runner or BullMQ. */
export interface RunDispatcher {
  dispatchRun(runId: number, chunks: ItemRange[]): Promise<void>;
  /** Queues the work of an opened sense run; without it the sense service runs it in its own process. */
  dispatchSense?(runId: number): Promise<void>;
}
