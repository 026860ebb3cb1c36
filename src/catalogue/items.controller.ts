import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can } from '../auth/auth.decorators.js';
import { Page, PageQuery } from '../common/pagination/page.js';
import { CreateItemDto, ItemResponse, mapItem, UpdateItemDto } from './dto/item.dto.js';
import { ItemsService } from './items.service.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('catalogue')
@ApiBearerAuth()
@Can('catalogue.read')
@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  /** The relief-item catalogue, by SKU. */
  @ApiPage(ItemResponse, 'A page of items')
  @ApiErrors(400)
  @Get()
  async list(@Query() page: PageQuery): Promise<Page<ItemResponse>> {
    const { items, nextCursor } = await this.items.list(page);
    return { items: items.map(mapItem), nextCursor };
  }

  /** One item, with its unit weight (kg) and volume (m3). */
  @ApiErrors(404)
  @Get(':sku')
  async get(@Param('sku') sku: string): Promise<ItemResponse> {
    return mapItem(await this.items.get(sku));
  }

  /** A new item; its SKU must be new (409). */
  @ApiErrors(400, 403, 409)
  @Post()
  @Can('catalogue.manage')
  async create(@Body() dto: CreateItemDto): Promise<ItemResponse> {
    return mapItem(await this.items.create(dto));
  }

  /** Changes an item; dispatches already recorded keep the weights they had. */
  @ApiErrors(400, 403, 404, 422)
  @Patch(':sku')
  @Can('catalogue.manage')
  async update(@Param('sku') sku: string, @Body() dto: UpdateItemDto): Promise<ItemResponse> {
    return mapItem(await this.items.update(sku, dto));
  }
}
