import { Module } from '@nestjs/common';
import { RollupService } from './rollup.service.js';
import { StatsProcessor } from './stats.processor.js';

/** Worker side of the statistics: the rollup processor that folds dispatch events. */
@Module({
  providers: [RollupService, StatsProcessor],
  exports: [RollupService],
})
export class StatsWorkerModule {}
