import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { HubsModule } from '../hubs/hubs.module.js';
import { AdjustmentsService } from './adjustments.service.js';
import { ReceiptsController } from './receipts.controller.js';
import { ReceiptsService } from './receipts.service.js';
import { StockController } from './stock.controller.js';
import { StockService } from './stock.service.js';

@Module({
  imports: [HubsModule, CatalogueModule],
  controllers: [StockController, ReceiptsController],
  providers: [StockService, ReceiptsService, AdjustmentsService],
  exports: [StockService, ReceiptsService, AdjustmentsService],
})
export class StockModule {}
