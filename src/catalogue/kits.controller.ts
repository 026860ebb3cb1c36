import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can } from '../auth/auth.decorators.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';
import { Page, PageQuery } from '../common/pagination/page.js';
import { CreateKitDto, KitResponse, mapKit, UpdateKitDto } from './dto/kit.dto.js';
import { KitsService } from './kits.service.js';

@ApiErrors(401, 429)
@ApiTags('catalogue')
@ApiBearerAuth()
@Can('catalogue.read')
@Controller('kits')
export class KitsController {
  constructor(private readonly kits: KitsService) {}

  /** Kits (named bills of items per household), by code, with their current composition. */
  @ApiPage(KitResponse, 'A page of kits')
  @ApiErrors(400)
  @Get()
  async list(@Query() page: PageQuery): Promise<Page<KitResponse>> {
    const { items, nextCursor } = await this.kits.list(page);
    return { items: items.map(mapKit), nextCursor };
  }

  /** One kit, with its composition, household size and one kit's weight and volume. */
  @ApiErrors(404)
  @Get(':code')
  async get(@Param('code') code: string): Promise<KitResponse> {
    return mapKit(await this.kits.get(code));
  }

  /** A new kit; its code must be new (409) and its SKUs known (422). */
  @ApiErrors(400, 403, 409, 422)
  @Post()
  @Can('kits.manage')
  async create(@Body() dto: CreateKitDto): Promise<KitResponse> {
    return mapKit(await this.kits.create(dto));
  }

  /**
   * Changes a kit from now on: new components make a new version of its composition; dispatches
   * already recorded keep what they took.
   */
  @ApiErrors(400, 403, 404, 422)
  @Patch(':code')
  @Can('kits.manage')
  async update(@Param('code') code: string, @Body() dto: UpdateKitDto): Promise<KitResponse> {
    return mapKit((await this.kits.update(code, dto)).after);
  }
}
