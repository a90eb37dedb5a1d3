import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type JobName = 'forecast-chunk' | 'plan-run';

/** What the source metrics need of each configured source (ConnectorService.status gives it). */
export interface SourceTotals {
  name: string;
  /** The source's one kind, if it has one: its rows counter starts at 0 before the first pull. */
  kind: string | null;
  lastSuccessAt: string | null;
  failedPulls: number;
  rowsImported: Record<string, number>;
}

/**
 * The Prometheus metrics of one process. Each container (and each test app) makes its own registry rather than
 * using prom-client's global one, so two apps in one process never register a metric twice.
 */
export interface Metrics {
  registry: Registry;
  /** Express middleware timing every request by method, route pattern (never the raw URL) and status. */
  httpMiddleware: RequestHandler;
  /** Times `work` as one `job` run, labelled succeeded or failed, and passes its result or error through. */
  timeJob<T>(job: JobName, work: () => Promise<T>): Promise<T>;
  /** Adds the SKU × location pairs a run planned. */
  countPlanned(skus: number): void;
  /** Counts a run the watchdog found stalled (no progress, no jobs left in the queue). */
  countStuckRun(): void;
}

/** Seconds: from a fast API call to a long forecast chunk. */
const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const jobBuckets = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800];

export function createMetrics(deps: {
  recommendationsByStatus: () => Promise<Record<string, number>>;
  sourceTotals: () => Promise<SourceTotals[]>;
  /** Seconds each running run has been running (read from the database on scrape). */
  runningSeconds: () => Promise<number[]>;
  /** Whether this process's queue connection (Redis) is up; absent without Redis. */
  queueConnected?: () => boolean;
  /** Share of shipped backordered units that shipped by each ETA measure (firstEta, lastEta, firstEtaLateCase, lastEtaLateCase). */
  etaOnTimeRatios?: () => Promise<Record<string, number>>;
  openExceptionsByKind: () => Promise<Record<string, number>>;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'replen_' });

  const httpDuration = new Histogram({
    name: 'replen_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: httpBuckets,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'replen_job_duration_seconds',
    help: 'Pipeline job duration by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    buckets: jobBuckets,
    registers: [registry],
  });
  const stuckRuns = new Counter({
    name: 'replen_run_stuck_total',
    help: 'Runs the watchdog found stalled (no progress and no jobs left in the queue) and dispatched again or failed',
    registers: [registry],
  });
  new Gauge({
    name: 'replen_run_running_seconds',
    help: 'How long the run in progress has been running (0 when none is): far past a usual run means it is stuck',
    registers: [registry],
    async collect() {
      this.set(Math.max(0, ...(await deps.runningSeconds())));
    },
  });
  if (deps.queueConnected) {
    const connected = deps.queueConnected;
    new Gauge({
      name: 'replen_queue_connected',
      help: "1 while this process's connection to the job queue (Redis) is up, 0 while it is down",
      registers: [registry],
      collect() {
        this.set(connected() ? 1 : 0);
      },
    });
  }
  const skusPlanned = new Counter({
    name: 'replen_skus_planned_total',
    help: 'SKU × location pairs planned by succeeded runs',
    registers: [registry],
  });
  new Gauge({
    name: 'replen_recommendations',
    help: 'Recommendations of the latest succeeded run by status (read from the database on scrape)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await deps.recommendationsByStatus();
      this.reset();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });

  if (deps.etaOnTimeRatios) {
    const ratios = deps.etaOnTimeRatios;
    new Gauge({
      name: 'replen_backorder_eta_on_time_ratio',
      help: 'Share of shipped backordered units that shipped by the ETA replen gave, per measure (first or last eta, first or last etaLateCase)',
      labelNames: ['measure'] as const,
      registers: [registry],
      async collect() {
        const values = await ratios();
        this.reset();
        for (const [measure, value] of Object.entries(values)) this.set({ measure }, value);
      },
    });
  }
  new Gauge({
    name: 'replen_exceptions_open',
    help: 'Exceptions open (unresolved and not acknowledged) by kind (read from the database on scrape)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const counts = await deps.openExceptionsByKind();
      this.reset();
      for (const [kind, count] of Object.entries(counts)) this.set({ kind }, count);
    },
  });

  // Pulls run in whichever process runs the job (API, worker, CLI), so these are read from the database on scrape:
  // every process's pulls count, and the counters survive restarts. One read serves the three metrics of a scrape.
  let reading: Promise<SourceTotals[]> | undefined;
  const sources = () => (reading ??= deps.sourceTotals().finally(() => (reading = undefined)));
  new Gauge({
    name: 'replen_source_last_success_timestamp_seconds',
    help: 'When the last successful pull of each configured ERP source finished (Unix seconds); absent before the first',
    labelNames: ['source'] as const,
    registers: [registry],
    async collect() {
      const totals = await sources();
      this.reset();
      for (const source of totals) if (source.lastSuccessAt) this.set({ source: source.name }, Date.parse(source.lastSuccessAt) / 1000);
    },
  });
  new Counter({
    name: 'replen_source_pull_failures_total',
    help: 'Failed pulls of each configured ERP source (an error, or a CSV file moved to failed/)',
    labelNames: ['source'] as const,
    registers: [registry],
    async collect() {
      const totals = await sources();
      this.reset();
      for (const source of totals) this.inc({ source: source.name }, source.failedPulls);
    },
  });
  new Counter({
    name: 'replen_source_rows_imported_total',
    help: 'Records committed by pulls of each configured ERP source, by import kind (CSV rows, JSON records, query rows)',
    labelNames: ['source', 'kind'] as const,
    registers: [registry],
    async collect() {
      const totals = await sources();
      this.reset();
      for (const source of totals) {
        const rows = { ...(source.kind ? { [source.kind]: 0 } : {}), ...source.rowsImported };
        for (const [kind, count] of Object.entries(rows)) this.inc({ source: source.name, kind }, count);
      }
    },
  });

  return {
    registry,
    httpMiddleware: (req, res, next) => {
      const stop = httpDuration.startTimer();
      res.on('finish', () => {
        // req.route is the matched route; baseUrl is where its router is mounted. Unmatched URLs share one label
        // so that scanners probing random paths cannot grow the series without bound.
        const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        stop({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    },
    async timeJob(job, work) {
      const stop = jobDuration.startTimer({ job });
      try {
        const result = await work();
        stop({ outcome: 'succeeded' });
        return result;
      } catch (error) {
        stop({ outcome: 'failed' });
        throw error;
      }
    },
    countPlanned: (skus) => skusPlanned.inc(skus),
    countStuckRun: () => stuckRuns.inc(),
  };
}
