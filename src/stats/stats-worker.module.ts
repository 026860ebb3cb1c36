import { Module } from '@nestjs/common';
import { OutboxRelay } from '../outbox/outbox.relay.js';
import { RollupService } from './rollup.service.js';
import { StatsProcessor } from './stats.processor.js';

/** Worker side of the statistics: the outbox relay and the rollup processor. */
@Module({
  providers: [RollupService, StatsProcessor, OutboxRelay],
  exports: [OutboxRelay, RollupService],
})
export class StatsWorkerModule {}
