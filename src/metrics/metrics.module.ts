import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** GET /metrics, in the roles that serve HTTP (a worker's queues are the same Redis's). */
@Module({
  imports: [ClockModule, OutboxModule, ReportsModule],
  controllers: [MetricsController],
  providers: [MetricsService],
})
export class MetricsModule {}
