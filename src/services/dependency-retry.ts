/**
 * Telling a dependency that went away (PostgreSQL restarting, Redis unreachable) from an error in the work itself:
 * the first passes once the dependency is back, so it is waited out; the second would fail the same way again.
 */

/** Node's socket errors: the server is not there (or not reachable) at all. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * PostgreSQL's SQLSTATEs of a server going or not yet there: class 08 (connection exception), 57P01 admin_shutdown
 * (`pg_ctl stop`), 57P02 crash_shutdown (`-m immediate`), 57P03 cannot_connect_now (starting up or shutting down).
 */
const postgresStates = /^(08...|57P0[123])$/;

/** What node-postgres, knex and ioredis say when the connection is gone, where they give no code. */
const connectionMessages = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /Timeout acquiring a connection/i,
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /Reached the max retries per request limit/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export function isConnectionError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (socketCodes.has(code) || postgresStates.test(code))) return true;
  if (typeof message === 'string' && connectionMessages.some((pattern) => pattern.test(message))) return true;
  // Node 20 reports a refused connection to every address of a name as an AggregateError; knex and pg may wrap.
  if (Array.isArray(errors) && errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return isConnectionError(cause, depth + 1);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** 0.5 s, 1 s, 2 s, … up to 10 s between tries: quick after a short blip, a few tries a minute in a long outage. */
export function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 10_000);
}

/**
 * Runs `work`, trying again while it fails for a connection error, until `windowMs` has passed since the first
 * failure; any other error, or the last connection error, is thrown. `onRetry` hears about each failed try.
 */
export async function retryWhileUnreachable<T>(work: () => Promise<T>, options: { windowMs: number; onRetry?: (error: unknown, attempt: number) => void }): Promise<T> {
  let firstFailure: number | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      firstFailure ??= Date.now();
      if (!isConnectionError(error) || Date.now() - firstFailure >= options.windowMs) throw error;
      options.onRetry?.(error, attempt);
      await sleep(backoffMs(attempt));
    }
  }
}

/** Rejects with a clear error when `promise` has not settled within `ms` (the promise itself is left to finish). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
