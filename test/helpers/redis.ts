import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

export function testRedisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
}

/**
 * Whether Redis answers, checked synchronously (a child process pings) so a test file can choose its suites
 * while jest collects them. With REQUIRE_SERVICES=1 an unreachable Redis throws instead of skipping.
 */
export function redisAvailable(): { ok: true } | { ok: false; reason: string } {
  const script = `const Redis = require(${JSON.stringify(require.resolve('ioredis'))});
    const redis = new Redis(process.env.PROBE_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.connect().then(() => redis.ping()).then(() => { redis.disconnect(); process.exit(0); }, (error) => { console.log(error.message); process.exit(1); });`;
  const probe = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, PROBE_URL: testRedisUrl(), NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.status === 0) return { ok: true };
  const reason = `Redis unreachable at ${testRedisUrl()}: ${probe.stdout.trim() || probe.error?.message || 'no answer'}`;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${reason} (REQUIRE_SERVICES=1)`);
  console.warn(`Skipping: ${reason}`);
  return { ok: false, reason };
}

/** BullMQ tests each get their own queue, so parallel test files never take each other's jobs. */
export function uniqueQueueName(): string {
  return `test-${randomUUID()}`;
}
