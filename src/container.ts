import os from 'node:os';
import type { Knex } from 'knex';
import type { Router } from 'express';
import type IORedis from 'ioredis';
import { closeDb, createDb } from '../db/connection';
import { migrateLatest, migrationsPending } from '../db/migrate';
import { isDatabaseEmpty, seedDemoData } from '../db/seeds/demo';
import { applySchedules, BullmqDispatcher, createQueue, declareMissingSchedules, jobRetention, producerConnection, repeatedErrorLog } from '../jobs/bullmq';
import { queueBoardRouter } from '../jobs/queue-board';
import { ModelPool } from '../jobs/model-pool';
import type { RunDispatcher } from '../jobs/dispatcher';
import { InProcessRunner } from '../jobs/in-process-runner';
import { schedules } from '../jobs/schedules';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { ConflictError, ServiceUnavailableError } from './errors';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { countRecommendationsByStatus } from '../db/repositories/recommendations';
import { runningRuns } from '../db/repositories/runs';
import type { Services } from './services';
import { type AdminKey, createApiKeyService } from './services/api-key-service';
import { createForecastStage, type SeriesForecaster } from './services/forecast-stage';
import { createHealthService, type Probe } from './services/health-service';
import { createImportService } from './services/import-service';
import { createConnectorService } from './services/connectors';
import { loadSources } from './services/connectors/sources';
import { createPipelineService, PIPELINE_RUN_KIND } from './services/pipeline-service';
import { createPurchaseOrderService } from './services/purchase-order-service';
import { createDraftOrderService } from './services/draft-order-service';
import { createRecommendationService } from './services/recommendation-service';
import { createSkuService } from './services/sku-service';
import { createSupplierService } from './services/supplier-service';
import { createLocationService } from './services/location-service';
import { createPlanStage, createReplanner, type ChunkPlanner, type PlanStageDeps } from './services/plan-stage';
import { createSenseService } from './services/sense-service';
import { createBackorderService } from './services/backorder-service';
import { createBackorderStage } from './services/backorder-stage';
import { createWebhookService } from './services/webhook-service';
import { createReceiptAllocationService } from './services/receipt-allocation-service';
import { createExceptionService } from './services/exception-service';
import { createOverrideService } from './services/override-service';

export interface Container {
  db: Knex;
  services: Services;
  /** The admin key to print, revoked or not (start-up says which). */
  adminKey: AdminKey;
  /** Bull Board for createApp, when jobs run on BullMQ. */
  queueBoard?: Router;
  /** Seeds an empty database with the demo catalogue, starts the schedules and runs the pipeline once. */
  startBackgroundWork(): Promise<void>;
  close(): Promise<void>;
}

/** Builds every service on a migrated database; the tests call this with their own database and dispatcher. */
export function createServices(deps: {
  db: Knex;
  config: Config;
  logger: Logger;
  dispatcher: RunDispatcher;
  redis?: IORedis;
  forecaster?: SeriesForecaster;
  /** Where the plan stage plans its chunks (the model pool's threads); without one, on the stage's own thread. */
  planner?: ChunkPlanner;
  /** "Today" for every service; the system clock unless a replay or a test passes its own. */
  clock?: Clock;
}): Services {
  const { db, config, logger, redis } = deps;
  const clock = deps.clock ?? systemClock;
  const probes: Probe[] = [
    { name: 'database', check: async () => void (await db.raw('select 1')) },
    {
      name: 'migrations',
      check: async () => {
        const pending = await migrationsPending(db);
        if (pending > 0) throw new Error(`${pending} migrations pending`);
      },
    },
  ];
  if (redis) probes.push({ name: 'redis', check: async () => void (await redis.ping()) });
  // Never fails readiness (the API serves while a batch is stuck), but names a run going without progress.
  probes.push({
    name: 'runs',
    check: async () => {
      const idle = (await runningRuns(db, PIPELINE_RUN_KIND)).filter((run) => run.idleSeconds >= config.RUN_STALL_SECONDS);
      if (idle.length > 0) return idle.map((run) => `run ${run.id} running ${Math.round(run.runningSeconds)} s, no progress for ${Math.round(run.idleSeconds)} s`).join('; ');
    },
  });
  const webhooks = createWebhookService({
    db,
    logger,
    settings: {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      retryHours: config.WEBHOOK_RETRY_HOURS,
      retryBaseSeconds: 30,
      retryMaxSeconds: 3600,
      disableAfterDays: config.WEBHOOK_DISABLE_AFTER_DAYS,
    },
    apiHosts: [`${config.HOST}:${config.PORT}`],
    now: () => clock.now(),
    requestDelivery: deps.dispatcher.dispatchWebhookDelivery && (() => deps.dispatcher.dispatchWebhookDelivery!()),
  });
  const receipts = createReceiptAllocationService({ db, now: () => clock.now() });
  const imports = createImportService({ db, receipts, onEventsWritten: webhooks.kick, now: () => clock.now() });
  const connectors = createConnectorService({ db, imports, sources: loadSources(config.SOURCES_FILE), logger, now: () => clock.now() });
  const backorders = createBackorderService(db);
  const exceptions = createExceptionService(db);
  const planSettings: PlanStageDeps = {
    db,
    logger,
    historyWeeks: config.HISTORY_WEEKS,
    serviceLevels: { A: config.SERVICE_LEVEL_A, B: config.SERVICE_LEVEL_B, C: config.SERVICE_LEVEL_C },
    serviceMeasures: { A: config.SERVICE_MEASURE_A, B: config.SERVICE_MEASURE_B, C: config.SERVICE_MEASURE_C },
    planner: deps.planner,
    now: () => clock.now(),
  };
  const metrics = createMetrics({
    recommendationsByStatus: () => countRecommendationsByStatus(db),
    sourceTotals: () => connectors.status(),
    runningSeconds: async () => (await runningRuns(db, PIPELINE_RUN_KIND)).map((run) => run.runningSeconds),
    ...(redis && { queueConnected: () => redis.status === 'ready' }),
    openExceptionsByKind: () => exceptions.openByKind(),
    etaOnTimeRatios: async () => {
      const { overall } = await backorders.accuracy({});
      return Object.fromEntries(Object.entries(overall.measures).map(([measure, value]) => [measure, value.onTimeUnits]));
    },
  });
  return {
    metrics,
    health: createHealthService(probes),
    apiKeys: createApiKeyService(db, { cacheSeconds: config.API_KEY_CACHE_SECONDS }),
    recommendations: createRecommendationService(db, { onEventsWritten: webhooks.kick, now: () => clock.now() }),
    purchaseOrders: createPurchaseOrderService(db, { onEventsWritten: webhooks.kick, now: () => clock.now() }),
    draftOrders: createDraftOrderService(db),
    suppliers: createSupplierService(db),
    locations: createLocationService(db),
    skus: createSkuService(db),
    backorders,
    imports,
    connectors,
    webhooks,
    receipts,
    exceptions,
    overrides: createOverrideService({ db, now: () => clock.now() }),
    sense: createSenseService({
      db,
      logger,
      replan: createReplanner(planSettings),
      dispatch: deps.dispatcher.dispatchSense?.bind(deps.dispatcher),
      ensureReachable: deps.dispatcher.ensureReachable?.bind(deps.dispatcher),
      now: () => clock.now(),
    }),
    pipeline: createPipelineService({
      db,
      logger,
      metrics,
      dispatcher: deps.dispatcher,
      chunkSize: config.FORECAST_CHUNK_SIZE,
      runRetentionDays: config.RUN_RETENTION_DAYS,
      dependencyRetryMs: config.DEPENDENCY_RETRY_SECONDS * 1000,
      stallSeconds: config.RUN_STALL_SECONDS,
      maxDispatches: config.RUN_MAX_DISPATCHES,
      forecastStage: createForecastStage({
        db,
        horizonWeeks: config.FORECAST_HORIZON_WEEKS,
        historyWeeks: config.HISTORY_WEEKS,
        reselectDays: config.FORECAST_RESELECT_DAYS,
        forecaster: deps.forecaster,
        now: () => clock.now(),
      }),
      runStages: [
        {
          name: 'plan',
          stage: createPlanStage(planSettings),
        },
        // After planning: this run's proposals and approvals are then known.
        { name: 'backorders', stage: createBackorderStage({ db, logger, onEventsWritten: webhooks.kick, now: () => clock.now() }) },
      ],
    }),
  };
}

/**
 * The composition root of a process: reads the configuration once and wires the database (PostgreSQL or
 * embedded PGlite), the job runner (BullMQ or in-process) and the services together.
 */
export async function buildContainer(config: Config, logger: Logger): Promise<Container> {
  const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const applied = await migrateLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');

  const queueName = config.QUEUE_NAME;
  const redis = config.REDIS_URL ? producerConnection(config.REDIS_URL) : undefined;
  const queueErrors = repeatedErrorLog(logger, 'queue connection error');
  redis?.on('error', queueErrors.report);
  const inProcess = redis ? undefined : new InProcessRunner(logger);
  const retention = jobRetention(config);
  const bullmq = redis ? new BullmqDispatcher(redis, queueName, retention, queueErrors.report) : undefined;
  // Model work runs on worker threads, so it never blocks the event loop: one thread per job this process may run at
  // once for the forecast chunks' fits, and PLAN_THREADS for the plan stage, the run's one job after the fits.
  const planThreads = config.PLAN_THREADS || os.availableParallelism();
  const modelPool = new ModelPool(Math.max(config.WORKER_CONCURRENCY, planThreads));
  const services = createServices({ db, config, logger, dispatcher: (inProcess ?? bullmq)!, redis, forecaster: modelPool, planner: modelPool.planner(planThreads) });
  if (inProcess) {
    inProcess.attach(services);
    const interrupted = [...(await services.pipeline.failInterruptedRuns()), ...(await services.sense.failInterruptedRuns())];
    if (interrupted.length > 0) logger.warn({ runIds: interrupted }, 'runs interrupted by the last shutdown marked failed');
  }
  const adminKey = await services.apiKeys.ensureAdminKey({ configuredKey: config.REPLEN_ADMIN_KEY, dataDir: config.DATA_DIR });

  const queue = redis ? createQueue(redis, queueName, retention) : undefined;
  queue?.on('error', queueErrors.report);
  let upkeep: NodeJS.Timeout | undefined;
  return {
    db,
    services,
    adminKey,
    queueBoard: queue && queueBoardRouter(queue),
    async startBackgroundWork() {
      if (config.SEED_DEMO_DATA && (await isDatabaseEmpty(db))) {
        const started = Date.now();
        const seeded = await seedDemoData(db, { endDate: systemClock.now().toISOString().slice(0, 10) });
        logger.info({ ...seeded.counts, ms: Date.now() - started }, 'demo data loaded');
      }
      const list = schedules(config, services.connectors.sources());
      if (inProcess) inProcess.startSchedules(list);
      if (queue) await applySchedules(queue, list).catch((error: unknown) => logger.warn({ error: (error as Error).message }, 'schedules not declared yet: Redis unreachable'));
      // Redis may come back without its data (no persistence, a failover): the schedules are declared again when the
      // connection returns and checked every round; stalled runs are looked for on the same rounds.
      const upkeepErrors = repeatedErrorLog(logger, 'upkeep round failed');
      const keepUp = async () => {
        try {
          if (queue) {
            const declared = await declareMissingSchedules(queue, list);
            if (declared.length > 0) logger.warn({ schedules: declared }, 'schedules missing from Redis declared again');
          }
          for (const { runId, action } of await services.pipeline.recoverStalledRuns()) logger.warn({ runId, action }, 'stalled run recovered');
          upkeepErrors.ended();
        } catch (error) {
          upkeepErrors.report(error as Error);
        }
      };
      redis?.on('ready', () => void keepUp());
      upkeep = setInterval(() => void keepUp(), config.RUN_WATCHDOG_INTERVAL_SECONDS * 1000);
      upkeep.unref();
      if (config.RUN_ON_START) {
        try {
          await services.pipeline.startRun('startup');
        } catch (error) {
          if (error instanceof ServiceUnavailableError) {
            logger.warn({ error: error.message }, 'the start-up run was not started');
            return;
          }
          if (!(error instanceof ConflictError)) throw error;
          logger.info({ details: error.details }, 'a run is already going; not starting another');
        }
      }
    },
    async close() {
      clearInterval(upkeep);
      await inProcess?.close();
      await modelPool.close();
      await bullmq?.close();
      await queue?.close();
      redis?.disconnect();
      await closeDb(db);
    },
  };
}
