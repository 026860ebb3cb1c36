import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { HubsModule } from '../hubs/hubs.module.js';
import { StockModule } from '../stock/stock.module.js';
import { DispatchesController } from './dispatches.controller.js';
import { DispatchesService } from './dispatches.service.js';

@Module({
  imports: [HubsModule, CatalogueModule, StockModule],
  controllers: [DispatchesController],
  providers: [DispatchesService],
  exports: [DispatchesService],
})
export class DispatchesModule {}
