/**
 * "Today" for the services (architecture: time is a dependency). Built once in the composition root: the system clock
 * for a process, a SimulatedClock for the replay (src/services/replay), which moves it one simulated day at a time.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that shows the time it was last set to. */
export class SimulatedClock implements Clock {
  private current: Date;

  constructor(start: Date) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Sets the clock to the end of an ISO day (23:59:59 UTC): imports of that day are then in the past. */
  setEndOfDay(isoDate: string): void {
    this.current = new Date(`${isoDate}T23:59:59.000Z`);
  }
}
