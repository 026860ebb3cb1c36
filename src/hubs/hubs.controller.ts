import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can } from '../auth/auth.decorators.js';
import { Page, PageQuery } from '../common/pagination/page.js';
import { CreateHubDto, HubResponse, mapHub } from './dto/hub.dto.js';
import { HubsService } from './hubs.service.js';

@ApiTags('hubs')
@ApiBearerAuth()
@Can('catalogue.read')
@Controller('hubs')
export class HubsController {
  constructor(private readonly hubs: HubsService) {}

  /** Hubs, by code. */
  @Get()
  async list(@Query() page: PageQuery): Promise<Page<HubResponse>> {
    const { items, nextCursor } = await this.hubs.list(page);
    return { items: items.map(mapHub), nextCursor };
  }

  @Get(':code')
  async get(@Param('code') code: string): Promise<HubResponse> {
    return mapHub(await this.hubs.get(code));
  }

  @Post()
  @Can('hubs.manage')
  async create(@Body() dto: CreateHubDto): Promise<HubResponse> {
    return mapHub(await this.hubs.create(dto));
  }
}
