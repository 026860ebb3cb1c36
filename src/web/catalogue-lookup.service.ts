import { Injectable } from '@nestjs/common';
import { Destination } from '../catalogue/destination.entity.js';
import { DestinationsService } from '../catalogue/destinations.service.js';
import { Item } from '../catalogue/item.entity.js';
import { ItemsService } from '../catalogue/items.service.js';
import { KitResponse, mapKit } from '../catalogue/dto/kit.dto.js';
import { KitsService } from '../catalogue/kits.service.js';

/** The catalogue and destinations for pickers and names: short reference lists, read whole. */
@Injectable()
export class CatalogueLookup {
  constructor(
    private readonly items: ItemsService,
    private readonly destinationsService: DestinationsService,
    private readonly kits: KitsService,
  ) {}

  async kitList(): Promise<KitResponse[]> {
    return (await this.kits.list({ limit: 500 })).items.map(mapKit);
  }

  async itemList(): Promise<Item[]> {
    return (await this.items.list({ limit: 500 })).items;
  }

  async destinations(): Promise<Destination[]> {
    return (await this.destinationsService.list({ limit: 500 })).items;
  }
}
