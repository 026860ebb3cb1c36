import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Destination } from './destination.entity.js';
import { DestinationsController } from './destinations.controller.js';
import { DestinationsService } from './destinations.service.js';
import { Item } from './item.entity.js';
import { ItemsController } from './items.controller.js';
import { ItemsService } from './items.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Item, Destination])],
  controllers: [ItemsController, DestinationsController],
  providers: [ItemsService, DestinationsService],
  exports: [ItemsService, DestinationsService],
})
export class CatalogueModule {}
