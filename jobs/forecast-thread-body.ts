import { parentPort } from 'node:worker_threads';
import { forecastSeries } from '../src/services/forecast-series';
import type { ForecastTask, ForecastReply } from './forecast-pool';

/** One task at a time: weekly series in, forecast rows out. No database, no logger: the models are pure. */
parentPort!.on('message', (task: ForecastTask) => {
  let reply: ForecastReply;
  try {
    reply = { rows: forecastSeries(task.series, task.options) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
