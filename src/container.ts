import type { Knex } from 'knex';
import type { Router } from 'express';
import type IORedis from 'ioredis';
import { closeDb, createDb } from '../db/connection';
import { migrateLatest, migrationsPending } from '../db/migrate';
import { isDatabaseEmpty, seedDemoData } from '../db/seeds/demo';
import { applySchedules, BullmqDispatcher, createQueue, jobRetention, redisConnection } from '../jobs/bullmq';
import { queueBoardRouter } from '../jobs/queue-board';
import { ForecastPool } from '../jobs/forecast-pool';
import type { RunDispatcher } from '../jobs/dispatcher';
import { InProcessRunner } from '../jobs/in-process-runner';
import { schedules } from '../jobs/schedules';
import type { Config } from './config';
import { ConflictError } from './errors';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { countRecommendationsByStatus } from '../db/repositories/recommendations';
import type { Services } from './services';
import { type AdminKey, createApiKeyService } from './services/api-key-service';
import { createForecastStage, type SeriesForecaster } from './services/forecast-stage';
import { createHealthService, type Probe } from './services/health-service';
import { createImportService } from './services/import-service';
import { createConnectorService } from './services/connectors';
import { loadSources } from './services/connectors/sources';
import { createPipelineService } from './services/pipeline-service';
import { createPurchaseOrderService } from './services/purchase-order-service';
import { createDraftOrderService } from './services/draft-order-service';
import { createRecommendationService } from './services/recommendation-service';
import { createSkuService } from './services/sku-service';
import { createSupplierService } from './services/supplier-service';
import { createLocationService } from './services/location-service';
import { createPlanStage, createReplanner, type PlanStageDeps } from './services/plan-stage';
import { createSenseService } from './services/sense-service';
import { createBackorderService } from './services/backorder-service';
import { createBackorderStage } from './services/backorder-stage';
import { createExceptionService } from './services/exception-service';

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
export function createServices(deps: { db: Knex; config: Config; logger: Logger; dispatcher: RunDispatcher; redis?: IORedis; forecaster?: SeriesForecaster }): Services {
  const { db, config, logger, redis } = deps;
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
  const imports = createImportService({ db });
  const connectors = createConnectorService({ db, imports, sources: loadSources(config.SOURCES_FILE), logger });
  const exceptions = createExceptionService(db);
  const planSettings: PlanStageDeps = {
    db,
    logger,
    historyWeeks: config.HISTORY_WEEKS,
    serviceLevels: { A: config.SERVICE_LEVEL_A, B: config.SERVICE_LEVEL_B, C: config.SERVICE_LEVEL_C },
  };
  const metrics = createMetrics({
    recommendationsByStatus: () => countRecommendationsByStatus(db),
    sourceTotals: () => connectors.status(),
    openExceptionsByKind: () => exceptions.openByKind(),
  });
  return {
    metrics,
    health: createHealthService(probes),
    apiKeys: createApiKeyService(db, { cacheSeconds: config.API_KEY_CACHE_SECONDS }),
    recommendations: createRecommendationService(db),
    purchaseOrders: createPurchaseOrderService(db),
    draftOrders: createDraftOrderService(db),
    suppliers: createSupplierService(db),
    locations: createLocationService(db),
    skus: createSkuService(db),
    backorders: createBackorderService(db),
    imports,
    connectors,
    exceptions,
    sense: createSenseService({ db, logger, replan: createReplanner(planSettings), dispatch: deps.dispatcher.dispatchSense?.bind(deps.dispatcher) }),
    pipeline: createPipelineService({
      db,
      logger,
      metrics,
      dispatcher: deps.dispatcher,
      chunkSize: config.FORECAST_CHUNK_SIZE,
      runRetentionDays: config.RUN_RETENTION_DAYS,
      forecastStage: createForecastStage({
        db,
        horizonWeeks: config.FORECAST_HORIZON_WEEKS,
        historyWeeks: config.HISTORY_WEEKS,
        reselectDays: config.FORECAST_RESELECT_DAYS,
        forecaster: deps.forecaster,
      }),
      runStages: [
        {
          name: 'plan',
          stage: createPlanStage(planSettings),
        },
        // After planning: this run's proposals and approvals are then known.
        { name: 'backorders', stage: createBackorderStage({ db, logger }) },
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
  const redis = config.REDIS_URL ? redisConnection(config.REDIS_URL) : undefined;
  const inProcess = redis ? undefined : new InProcessRunner(logger);
  const retention = jobRetention(config);
  const bullmq = redis ? new BullmqDispatcher(redis, queueName, retention) : undefined;
  // Model fits run on worker threads, one per job this process may run at once, so they never block the event loop.
  const forecastPool = new ForecastPool(config.WORKER_CONCURRENCY);
  const services = createServices({ db, config, logger, dispatcher: (inProcess ?? bullmq)!, redis, forecaster: forecastPool });
  if (inProcess) {
    inProcess.attach(services);
    const interrupted = [...(await services.pipeline.failInterruptedRuns()), ...(await services.sense.failInterruptedRuns())];
    if (interrupted.length > 0) logger.warn({ runIds: interrupted }, 'runs interrupted by the last shutdown marked failed');
  }
  const adminKey = await services.apiKeys.ensureAdminKey({ configuredKey: config.REPLEN_ADMIN_KEY, dataDir: config.DATA_DIR });

  const queue = redis ? createQueue(redis, queueName, retention) : undefined;
  return {
    db,
    services,
    adminKey,
    queueBoard: queue && queueBoardRouter(queue),
    async startBackgroundWork() {
      if (config.SEED_DEMO_DATA && (await isDatabaseEmpty(db))) {
        const started = Date.now();
        const seeded = await seedDemoData(db, { endDate: new Date().toISOString().slice(0, 10) });
        logger.info({ ...seeded.counts, ms: Date.now() - started }, 'demo data loaded');
      }
      const list = schedules(config, services.connectors.sources());
      if (inProcess) inProcess.startSchedules(list);
      if (queue) await applySchedules(queue, list);
      if (config.RUN_ON_START) {
        try {
          await services.pipeline.startRun('startup');
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          logger.info({ details: error.details }, 'a run is already going; not starting another');
        }
      }
    },
    async close() {
      await inProcess?.close();
      await forecastPool.close();
      await bullmq?.close();
      await queue?.close();
      redis?.disconnect();
      await closeDb(db);
    },
  };
}
