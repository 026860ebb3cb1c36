import { Module } from '@nestjs/common';
import { HubsModule } from '../hubs/hubs.module.js';
import { ReportsController } from './reports.controller.js';
import { WeeklyReportsService } from './weekly-reports.service.js';

@Module({
  imports: [HubsModule],
  controllers: [ReportsController],
  providers: [WeeklyReportsService],
  exports: [WeeklyReportsService],
})
export class ReportsModule {}
