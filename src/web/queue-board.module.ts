import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UsersService } from '../auth/users.service.js';
import { QueueName } from '../jobs/jobs.constants.js';
import { JobsService } from '../jobs/jobs.service.js';
import { QUEUE_BOARD_PATH, queueBoardGuard } from './queue-board.guard.js';
import { SessionsService } from './sessions.service.js';
import { WebModule } from './web.module.js';

/**
 * Bull Board, the queue dashboard, at /api/admin/queues for admins (queue-board.guard.ts):
 * every queue's jobs by state, their data and errors, and a retry button for failed ones.
 * Mounted here with @bull-board/express as @bull-board/nestjs would mount it: that package is
 * CommonJS and requires Nest's ES modules, which Jest's ESM mode refuses (a require cycle).
 */
@Module({ imports: [AuthModule, WebModule] })
export class QueueBoardModule implements NestModule {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly jobs: JobsService,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const server = new ExpressAdapter();
    server.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      // Writable to Bull Board so that it can retry; the guard refuses every other change.
      queues: this.jobs
        .allQueues()
        .map((queue) => new BullMQAdapter(queue, { readOnlyMode: false, allowRetries: true })),
      serverAdapter: server,
      options: { uiConfig: { boardTitle: 'relief-hub' } },
    });
    const stateOf = async (queue: string, jobId: string) =>
      Object.values(QueueName).includes(queue as QueueName)
        ? this.jobs.queue(queue as QueueName).getJobState(jobId)
        : 'unknown';
    consumer
      .apply(queueBoardGuard(this.users, this.sessions, stateOf), server.getRouter())
      // Under the global prefix "api".
      .forRoutes(QUEUE_BOARD_PATH.replace(/^\/api\//, ''));
  }
}
