import { Module } from '@nestjs/common';
import { EnergyModule } from '../energy/energy.module.js';
import { HubsModule } from '../hubs/hubs.module.js';
import { StatsModule } from '../stats/stats.module.js';
import { CarbonController } from './carbon.controller.js';
import { CarbonService } from './carbon.service.js';

@Module({
  imports: [HubsModule, StatsModule, EnergyModule],
  controllers: [CarbonController],
  providers: [CarbonService],
  exports: [CarbonService],
})
export class CarbonModule {}
