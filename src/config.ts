import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const serviceLevel = z.coerce.number().gt(0.5).lt(1);
const serviceMeasure = z.enum(['cycle', 'fill-rate']).default('cycle');

/**
 * Every setting replen reads, with its default and what it does. This table is the single source:
 * the README's configuration table is printed from it by `npx replen config`.
 */
export const settings = {
  HOST: { schema: z.string().min(1).default('127.0.0.1'), description: 'Address the HTTP server listens on.' },
  PORT: { schema: z.coerce.number().int().min(0).max(65535).default(3000), description: 'Port the HTTP server listens on.' },
  HTTP_HEADERS_TIMEOUT_SECONDS: {
    schema: z.coerce.number().int().min(1).max(300).default(10),
    description: "Seconds a client has to send a request's headers; then 408 and the connection is closed.",
  },
  HTTP_REQUEST_TIMEOUT_SECONDS: {
    schema: z.coerce.number().int().min(1).max(3600).default(60),
    description: 'Seconds a client has to send a whole request, body included (a 20 MB import needs about 3 Mbit/s); then 408 and the connection is closed.',
  },
  DATABASE_URL: {
    schema: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    description: 'PostgreSQL connection string. Unset: embedded PGlite in DATA_DIR/pglite.',
  },
  DATA_DIR: { schema: z.string().min(1).default('./.data'), description: 'Folder for the embedded database and the generated admin key.' },
  REDIS_URL: {
    schema: z.url({ protocol: /^rediss?$/ }).optional(),
    description: 'Redis connection string. Set: jobs run on BullMQ workers. Unset: the in-process runner runs them.',
  },
  QUEUE_NAME: { schema: z.string().min(1).default('replen'), description: 'BullMQ queue the API and the workers share.' },
  REPLEN_ADMIN_KEY: {
    schema: z.string().min(24, 'must be at least 24 characters').optional(),
    description: 'Admin API key. Unset: one is generated once and kept in DATA_DIR/admin-key.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'Log level of the JSON logs (pino).',
  },
  SEED_DEMO_DATA: { schema: booleanFlag.default(true), description: 'Load the demo catalogue when the database is empty.' },
  RUN_ON_START: { schema: booleanFlag.default(true), description: 'Run the planning pipeline once at start-up (npm start).' },
  PIPELINE_SCHEDULE: {
    schema: z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression').default('0 2 * * *'),
    description: 'When the nightly pipeline runs (cron, UTC).',
  },
  FORECAST_CHUNK_SIZE: { schema: z.coerce.number().int().min(1).max(10000).default(500), description: 'SKUs per forecast job.' },
  FORECAST_HORIZON_WEEKS: { schema: z.coerce.number().int().min(1).max(104).default(26), description: 'How many weeks ahead to forecast.' },
  HISTORY_WEEKS: { schema: z.coerce.number().int().min(8).max(520).default(156), description: 'Weeks of sales history each forecast uses.' },
  FORECAST_RESELECT_DAYS: {
    schema: z.coerce.number().int().min(0).max(366).default(7),
    description: "Days a SKU's automatic model choice is kept: runs in between refit that model; 0 chooses on every run.",
  },
  WORKER_CONCURRENCY: { schema: z.coerce.number().int().min(1).max(64).default(2), description: 'Jobs one worker process runs at once.' },
  PLAN_THREADS: {
    schema: z.coerce.number().int().min(0).max(64).default(0),
    description: 'Chunks the plan stage plans at once, each on a worker thread of the process that runs it (0: one per core of that machine).',
  },
  WORKER_LOCK_DURATION_MS: {
    schema: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    description: "How long a worker's lock on a job lasts unrenewed: the job of a worker that died is picked up again after it.",
  },
  WORKER_STALLED_INTERVAL_MS: {
    schema: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    description: 'How often each worker looks for jobs whose lock expired and puts them back in the queue.',
  },
  DEPENDENCY_RETRY_SECONDS: {
    schema: z.coerce.number().int().min(0).max(86_400).default(600),
    description:
      "Seconds a job (and the write of a run's outcome) waits out PostgreSQL or Redis being unreachable, retrying with a backoff of up to 10 s, before the failure counts as one of the job's 3 tries; meanwhile the worker takes no new jobs. Errors in the data are not retried.",
  },
  RUN_STALL_SECONDS: {
    schema: z.coerce.number().int().min(5).max(86_400).default(300),
    description:
      'A running run with no progress (no chunk finished, no dispatch) for this long and no job left in the queue (Redis lost its data, a dispatch never made it) is stalled: the watchdog dispatches its unfinished chunks again.',
  },
  RUN_MAX_DISPATCHES: {
    schema: z.coerce.number().int().min(1).max(100).default(3),
    description: 'How many times a run is dispatched in all (the first included) before a stall fails it with the reason.',
  },
  RUN_WATCHDOG_INTERVAL_SECONDS: {
    schema: z.coerce.number().int().min(1).max(3600).default(30),
    description: 'How often the API looks for stalled runs and for schedules missing from Redis (declared again at once when the connection comes back).',
  },
  JOB_KEEP_COMPLETED_HOURS: {
    schema: z.coerce.number().int().min(1).max(8760).default(24),
    description: 'Hours BullMQ keeps a completed job before removing it.',
  },
  JOB_KEEP_COMPLETED_COUNT: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    description: 'Most completed jobs BullMQ keeps; older ones go first.',
  },
  JOB_KEEP_FAILED_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650).default(14),
    description: 'Days BullMQ keeps a failed job, with its error, before removing it.',
  },
  API_KEY_CACHE_SECONDS: {
    schema: z.coerce.number().min(0).max(3600).default(10),
    description: 'Seconds an API process trusts an accepted key before checking it again; a key revoked through another process stops working within this (0: check every request).',
  },
  RUN_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650).default(90),
    description: "Housekeeping prunes finished runs older than this, except the latest succeeded run; buyers' decisions are kept.",
  },
  SENSE_SCHEDULE: {
    schema: z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression').default('0 * * * *'),
    description: 'When demand sensing runs (cron, UTC): recent daily sales against the forecast, flagged SKUs re-planned.',
  },
  HOUSEKEEPING_SCHEDULE: {
    schema: z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression').default('30 3 * * *'),
    description: 'When housekeeping (pruning old runs) runs (cron, UTC).',
  },
  SERVICE_LEVEL_A: { schema: serviceLevel.default(0.98), description: 'Target service level for A items: a cycle service level or a fill rate, as SERVICE_MEASURE_A says.' },
  SERVICE_LEVEL_B: { schema: serviceLevel.default(0.95), description: 'Target service level for B items: a cycle service level or a fill rate, as SERVICE_MEASURE_B says.' },
  SERVICE_LEVEL_C: { schema: serviceLevel.default(0.9), description: 'Target service level for C items: a cycle service level or a fill rate, as SERVICE_MEASURE_C says.' },
  SERVICE_MEASURE_A: {
    schema: serviceMeasure,
    description: "What A items' target measures: cycle (the share of order cycles without a stock-out) or fill-rate (the share of demand served from stock).",
  },
  SERVICE_MEASURE_B: { schema: serviceMeasure, description: "What B items' target measures: cycle or fill-rate." },
  SERVICE_MEASURE_C: { schema: serviceMeasure, description: "What C items' target measures: cycle or fill-rate." },
  WEBHOOK_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(60_000).default(10_000),
    description: 'Milliseconds a webhook receiver has to answer 2xx; a slower answer is a failed attempt, retried later.',
  },
  WEBHOOK_RETRY_HOURS: {
    schema: z.coerce.number().int().min(1).max(168).default(24),
    description: 'Hours a webhook delivery is retried (exponential backoff from 30 s, at most hourly) before it is marked failed.',
  },
  WEBHOOK_DISABLE_AFTER_DAYS: {
    schema: z.coerce.number().int().min(1).max(30).default(3),
    description: 'A webhook endpoint whose every delivery failed for this many days in a row is disabled, with the reason shown on GET /webhooks.',
  },
  WEBHOOK_SCHEDULE: {
    schema: z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression').default('* * * * *'),
    description: 'When the webhook delivery sweep runs (cron, UTC): retries, and events whose first delivery a stopped worker left.',
  },
  SOURCES_FILE: {
    schema: z.string().min(1).optional(),
    description: 'JSON file listing the ERP sources to pull on a schedule (see "Pulling from the ERP"). Unset: no pulls.',
  },
} as const;

type Settings = typeof settings;
export type Config = Readonly<{ [K in keyof Settings]: z.output<Settings[K]['schema']> }>;

export class ConfigError extends Error {}

/** Parses the environment once; an invalid setting throws one line naming the variable and the problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings)) {
    const raw = env[name] === '' ? undefined : env[name];
    const result = (setting.schema as z.ZodType).safeParse(raw);
    if (!result.success) {
      const problem = result.error.issues[0]?.message ?? 'invalid';
      throw new ConfigError(`Invalid setting ${name}=${JSON.stringify(raw)}: ${problem}`);
    }
    parsed[name] = result.data;
  }
  return Object.freeze(parsed) as Config;
}

/** For process entry points: the configuration, or one line on stderr naming the bad setting and exit code 1. */
export function loadConfigOrExit(program: string): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${program}: ${error.message}\n`);
    process.exit(1);
  }
}
