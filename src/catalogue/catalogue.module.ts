import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Destination } from './destination.entity.js';
import { DestinationsController } from './destinations.controller.js';
import { DestinationsService } from './destinations.service.js';
import { Item } from './item.entity.js';
import { ItemsController } from './items.controller.js';
import { ItemsService } from './items.service.js';
import { Kit } from './kit.entity.js';
import { KitsController } from './kits.controller.js';
import { KitsService } from './kits.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Item, Destination, Kit])],
  controllers: [ItemsController, DestinationsController, KitsController],
  providers: [ItemsService, DestinationsService, KitsService],
  exports: [ItemsService, DestinationsService, KitsService],
})
export class CatalogueModule {}
