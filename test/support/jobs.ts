import { QueueEvents } from 'bullmq';
import { JobName, JobPayloads, QUEUE_OF } from '../../src/jobs/jobs.constants.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { eventually } from './eventually.js';
import { TestApp, testEnvironment } from './test-app.js';

/** Enqueues a job through the app's producer and waits for its worker to finish it. */
export async function runJob<N extends JobName>(
  t: TestApp,
  name: N,
  data: JobPayloads[N],
  timeoutMs = 15_000,
): Promise<unknown> {
  const jobs = t.app.get(JobsService);
  const queue = jobs.queue(QUEUE_OF[name]);
  const events = new QueueEvents(queue.name, {
    connection: { url: testEnvironment().REDIS_URL },
    prefix: queue.opts.prefix,
  });
  try {
    await events.waitUntilReady();
    const job = await jobs.enqueue(name, data);
    return await job.waitUntilFinished(events, timeoutMs);
  } finally {
    await events.close();
  }
}

/**
 * Waits until every outbox event has been folded in (the relay queues them, the stats and energy
 * workers fold and delete them); polls the database, never sleeps a fixed time.
 */
export async function drainOutbox(t: TestApp, timeoutMs = 20_000): Promise<void> {
  await eventually(
    async () => {
      const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM outbox_event');
      if (n > 0) throw new Error(`${n} outbox events still pending after ${timeoutMs} ms`);
    },
    { timeoutMs },
  );
}

/** Waits for a weekly report's build through the job URL POST /api/reports/weekly gave. */
export async function waitForReportJob(t: TestApp, jobUrl: string, timeoutMs = 20_000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const { body } = await t.http().get(jobUrl).set(t.as()).expect(200);
    if (body.state === 'completed') return;
    if (body.state === 'failed') throw new Error(`report job failed: ${body.failedReason}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('report job did not finish');
}
