import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HubsModule } from '../hubs/hubs.module.js';
import { StatsModule } from '../stats/stats.module.js';
import { EnergyController } from './energy.controller.js';
import { EnergyReportsService } from './energy-reports.service.js';
import { PvSystem } from './pv-system.entity.js';
import { PvSystemsService } from './pv-systems.service.js';
import { ReadingsService } from './readings.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PvSystem]), HubsModule, StatsModule],
  controllers: [EnergyController],
  providers: [PvSystemsService, ReadingsService, EnergyReportsService],
  exports: [EnergyReportsService, PvSystemsService],
})
export class EnergyModule {}
