/**
 * Lets queued I/O run. Model fits are synchronous CPU work; in the in-process runner they share the event loop
 * with the HTTP server, so long loops call this every few items to keep requests (and /ready) answered.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How many items a loop processes between two yields: a few milliseconds of model work. */
export const ITEMS_BETWEEN_YIELDS = 10;
