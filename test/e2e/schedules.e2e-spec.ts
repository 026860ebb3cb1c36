import { JobsService } from '../../src/jobs/jobs.service.js';
import { JobName, QueueName } from '../../src/jobs/jobs.constants.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('job schedules', () => {
  let t: TestApp;
  let jobs: JobsService;
  beforeAll(async () => {
    t = await startTestApp({
      REDIS_PREFIX: `rh-test-${process.env.TEST_RUN_ID}-schedules`,
      SCHEDULES_SYNC_MS: '300',
    });
    jobs = t.app.get(JobsService);
    await t.reset();
  });
  afterAll(async () => {
    await t.reset(); // the database is this test worker's: later tests know only TMZ
    await t.close();
  });

  /** Every scheduler on every queue of this app's Redis prefix, as a worker would run it. */
  const schedulers = async () =>
    (
      await Promise.all(
        jobs.allQueues().map(async (queue) =>
          (await queue.getJobSchedulers()).map((s) => ({
            queue: queue.name,
            id: s.key,
            job: s.name,
            pattern: s.pattern,
            tz: s.tz,
            data: s.template?.data ?? {}, // BullMQ stores no empty data
          })),
        ),
      )
    )
      .flat()
      .sort((a, b) => a.id.localeCompare(b.id));

  const EVERY_SCHEDULER = [
    {
      queue: QueueName.Maintenance,
      id: 'purge-idempotency-keys',
      job: JobName.PurgeIdempotencyKeys,
      pattern: '17 * * * *',
      tz: 'UTC',
      data: {},
    },
    {
      queue: QueueName.Reports,
      id: 'weekly-report:DXB',
      job: JobName.ScheduledWeeklyReport,
      pattern: '0 6 * * 1',
      tz: 'Asia/Dubai',
      data: { hub: 'DXB' },
    },
    {
      queue: QueueName.Reports,
      id: 'weekly-report:TMZ',
      job: JobName.ScheduledWeeklyReport,
      pattern: '0 6 * * 1',
      tz: 'Asia/Tashkent',
      data: { hub: 'TMZ' },
    },
  ];

  it('a Redis that lost its data gets every scheduler back within one sync period, without a restart', async () => {
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'DXB', name: 'Dubai hub', timeZone: 'Asia/Dubai' })
      .expect(201);
    await eventually(async () => expect(await schedulers()).toEqual(EVERY_SCHEDULER));

    // Redis loses every key of this deployment (a flush, a failover to an empty replica).
    await Promise.all(jobs.allQueues().map((queue) => queue.obliterate({ force: true })));
    expect(await schedulers()).toEqual([]);

    await eventually(async () => expect(await schedulers()).toEqual(EVERY_SCHEDULER));
  });

  it('removes a scheduler no feature lists any more, such as the retired nightly energy run', async () => {
    await jobs
      .queue(QueueName.Energy)
      .upsertJobScheduler(
        JobName.RollUpEnergy,
        { pattern: '15 2 * * *', tz: 'Asia/Tashkent' },
        { name: JobName.RollUpEnergy, data: {} },
      );
    await eventually(async () => {
      const ids = (await schedulers()).map((s) => s.id);
      expect(ids).not.toContain(JobName.RollUpEnergy);
      expect(ids).toContain('purge-idempotency-keys');
    });
  });
});
