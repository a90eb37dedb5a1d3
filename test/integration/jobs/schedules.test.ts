import { Queue } from 'bullmq';
import { loadConfig } from '../../../src/config';
import { applySchedules, redisConnection } from '../../../jobs/bullmq';
import { schedules } from '../../../jobs/schedules';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';

const describeWithRedis = redisAvailable().ok ? describe : describe.skip;

describeWithRedis('the schedules on BullMQ', () => {
  it('declared at every start-up, they stay one scheduler each: the nightly pipeline, hourly demand sensing, housekeeping and the webhook sweep, in UTC', async () => {
    const connection = redisConnection(testRedisUrl());
    const queue = new Queue(uniqueQueueName(), { connection });
    try {
      const config = loadConfig({ PIPELINE_SCHEDULE: '0 2 * * *', HOUSEKEEPING_SCHEDULE: '15 4 * * 0' });
      await applySchedules(queue, schedules(config));
      await applySchedules(queue, schedules(config));
      const declared = (await queue.getJobSchedulers()).map(({ key, name, pattern, tz }) => ({ key, name, pattern, tz }));
      expect(declared.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { key: 'demand-sensing', name: 'start-sense', pattern: '0 * * * *', tz: 'UTC' },
        { key: 'housekeeping', name: 'housekeeping', pattern: '15 4 * * 0', tz: 'UTC' },
        { key: 'nightly-pipeline', name: 'start-run', pattern: '0 2 * * *', tz: 'UTC' },
        { key: 'webhook-delivery', name: 'deliver-webhooks', pattern: '* * * * *', tz: 'UTC' },
      ]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });
});
