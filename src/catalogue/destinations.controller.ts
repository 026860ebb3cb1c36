import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can } from '../auth/auth.decorators.js';
import { Page, PageQuery } from '../common/pagination/page.js';
import { DestinationsService } from './destinations.service.js';
import {
  CreateDestinationDto,
  DestinationResponse,
  mapDestination,
} from './dto/destination.dto.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('catalogue')
@ApiBearerAuth()
@Can('catalogue.read')
@Controller('destinations')
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  /** Destinations, by code. */
  @ApiPage(DestinationResponse, 'A page of destinations')
  @ApiErrors(400)
  @Get()
  async list(@Query() page: PageQuery): Promise<Page<DestinationResponse>> {
    const { items, nextCursor } = await this.destinations.list(page);
    return { items: items.map(mapDestination), nextCursor };
  }

  /** One destination. */
  @ApiErrors(404)
  @Get(':code')
  async get(@Param('code') code: string): Promise<DestinationResponse> {
    return mapDestination(await this.destinations.get(code));
  }

  /** A new destination; its code must be new (409). */
  @ApiErrors(400, 403, 409)
  @Post()
  @Can('catalogue.manage')
  async create(@Body() dto: CreateDestinationDto): Promise<DestinationResponse> {
    return mapDestination(await this.destinations.create(dto));
  }
}
