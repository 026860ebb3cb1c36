import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can } from '../auth/auth.decorators.js';
import { Page, PageQuery } from '../common/pagination/page.js';
import { CreateHubDto, HubResponse, mapHub } from './dto/hub.dto.js';
import { HubsService } from './hubs.service.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('hubs')
@ApiBearerAuth()
@Can('catalogue.read')
@Controller('hubs')
export class HubsController {
  constructor(private readonly hubs: HubsService) {}

  /** Hubs, by code. */
  @ApiPage(HubResponse, 'A page of hubs')
  @ApiErrors(400)
  @Get()
  async list(@Query() page: PageQuery): Promise<Page<HubResponse>> {
    const { items, nextCursor } = await this.hubs.list(page);
    return { items: items.map(mapHub), nextCursor };
  }

  /** One hub, with its time zone. */
  @ApiErrors(404)
  @Get(':code')
  async get(@Param('code') code: string): Promise<HubResponse> {
    return mapHub(await this.hubs.get(code));
  }

  /** A new hub; its code must be new (409). */
  @ApiErrors(400, 403, 409)
  @Post()
  @Can('hubs.manage')
  async create(@Body() dto: CreateHubDto): Promise<HubResponse> {
    return mapHub(await this.hubs.create(dto));
  }
}
