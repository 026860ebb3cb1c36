import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { HubsModule } from '../hubs/hubs.module.js';
import { StockModule } from '../stock/stock.module.js';
import { TransportModule } from '../transport/transport.module.js';
import { DispatchesController } from './dispatches.controller.js';
import { DispatchExportService } from './dispatch-export.service.js';
import { DispatchImportService } from './dispatch-import.service.js';
import { DispatchRegisterService } from './dispatch-register.service.js';
import { DispatchesService } from './dispatches.service.js';
import { WaybillNumbers } from './waybill-numbers.service.js';

@Module({
  imports: [HubsModule, CatalogueModule, StockModule, TransportModule],
  controllers: [DispatchesController],
  providers: [
    DispatchesService,
    DispatchImportService,
    DispatchRegisterService,
    DispatchExportService,
    WaybillNumbers,
  ],
  exports: [DispatchesService, DispatchRegisterService, DispatchExportService],
})
export class DispatchesModule {}
