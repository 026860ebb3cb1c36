import { Module } from '@nestjs/common';
import { CarbonModule } from '../carbon/carbon.module.js';
import { DispatchesModule } from '../dispatches/dispatches.module.js';
import { EnergyModule } from '../energy/energy.module.js';
import { HubsModule } from '../hubs/hubs.module.js';
import { ReleasesModule } from '../releases/releases.module.js';
import { StatsWorkerModule } from '../stats/stats-worker.module.js';
import { StatsModule } from '../stats/stats.module.js';
import { StockModule } from '../stock/stock.module.js';
import { ReportsProcessor } from './reports.processor.js';
import { WeeklyReportBuilder } from './weekly-report-builder.service.js';
import { WeeklyReportDelivery } from './weekly-report-delivery.service.js';
import { WeeklyReportScheduler } from './weekly-report.scheduler.js';

/** Worker side of the weekly reports: the Monday schedules, building and delivery. */
@Module({
  imports: [
    HubsModule,
    StatsModule,
    StatsWorkerModule,
    StockModule,
    EnergyModule,
    DispatchesModule,
    CarbonModule,
    ReleasesModule,
  ],
  providers: [WeeklyReportScheduler, ReportsProcessor, WeeklyReportBuilder, WeeklyReportDelivery],
})
export class ReportsWorkerModule {}
