import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** Bull Board (jobs, failures, retries) over the pipeline queue; the app mounts it at QUEUE_BOARD_PATH behind the admin check. */
export function queueBoardRouter(queue: Queue): Router {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  // @bull-board/express 9.10.1 ships its own copy of @bull-board/api (9.10.1) beside ours (9.10.2): same shape, distinct
  // private declarations, so the types only meet through this cast. Aligning the two versions in package.json removes it.
  createBullBoard({ queues: [new BullMQAdapter(queue)], serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  return serverAdapter.getRouter() as Router;
}
