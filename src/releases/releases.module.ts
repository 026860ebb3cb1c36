import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { DispatchesModule } from '../dispatches/dispatches.module.js';
import { HubsModule } from '../hubs/hubs.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { StockModule } from '../stock/stock.module.js';
import { PipelineController, ReleasesController } from './releases.controller.js';
import { ReleasesService } from './releases.service.js';

@Module({
  imports: [HubsModule, CatalogueModule, StockModule, PlansModule, DispatchesModule],
  controllers: [ReleasesController, PipelineController],
  providers: [ReleasesService],
  exports: [ReleasesService],
})
export class ReleasesModule {}
