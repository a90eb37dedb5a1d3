import { parentPort } from 'node:worker_threads';
import { forecastSeries } from '../src/services/forecast-series';
import { planPairs } from '../src/services/planning/plan-pairs';
import type { ModelReply, ModelTask } from './model-pool';

/** One task at a time: weekly series in, forecast rows out; or a chunk's plan inputs in, its rows out. No database, no logger: the work is pure. */
parentPort!.on('message', (task: ModelTask) => {
  const done = (reply: ModelReply) => parentPort!.postMessage(reply);
  const failed = (error: unknown) => done({ error: error instanceof Error ? error.message : String(error) });
  try {
    if (task.kind === 'forecast') done({ result: forecastSeries(task.series, task.options) });
    else planPairs(task.data, task.asOfDate, task.context).then((result) => done({ result }), failed);
  } catch (error) {
    failed(error);
  }
});
