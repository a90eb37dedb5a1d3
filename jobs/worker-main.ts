import { loadConfigOrExit } from '../src/config';
import { buildContainer } from '../src/container';
import { createLogger } from '../src/logger';
import { redisConnection, startWorker } from './bullmq';

/**
 * `npm run worker`: one worker process. Any number of them, on any number of machines, share one Redis and
 * one Postgres. SIGTERM lets the current jobs finish (their locks are released) before the process exits.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit('replen worker');
  if (!config.REDIS_URL) {
    process.stderr.write('replen worker: REDIS_URL is not set; without Redis, `npm start` runs the jobs in-process.\n');
    process.exit(1);
  }
  if (!config.DATABASE_URL) {
    process.stderr.write('replen worker: DATABASE_URL is not set; workers share one PostgreSQL database with the API.\n');
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const container = await buildContainer(config, logger);
  const connection = redisConnection(config.REDIS_URL);
  const worker = startWorker({
    connection,
    services: container.services,
    logger,
    concurrency: config.WORKER_CONCURRENCY,
    queueName: config.QUEUE_NAME,
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    dependencyRetryMs: config.DEPENDENCY_RETRY_SECONDS * 1000,
  });
  logger.info({ concurrency: config.WORKER_CONCURRENCY, queue: config.QUEUE_NAME }, 'worker started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping after its current jobs');
    await worker.close();
    connection.disconnect();
    await container.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`replen worker: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
