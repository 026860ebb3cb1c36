import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { User } from '../auth/user.entity.js';
import { Idempotent } from '../common/idempotency/idempotent.decorator.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';
import { Page } from '../common/pagination/page.js';
import { endOfDay } from '../common/time/zoned.js';
import { HubsService } from '../hubs/hubs.service.js';
import { StockQuery } from '../stock/dto/stock.dto.js';
import { CancelReleaseDto, CreateReleaseDto, ReleasesQuery } from './dto/release.dto.js';
import { PipelineResponse, ReleaseResponse } from './dto/release-response.dto.js';
import { ReleasesService } from './releases.service.js';

@ApiErrors(401, 429)
@ApiTags('releases')
@ApiBearerAuth()
@Can('hub.read')
@Controller('releases')
export class ReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  /**
   * A release order: every line's items are reserved at the hub, or none (409 with the
   * shortages, `available` being unreserved stock). Coordinators and admins.
   */
  @ApiErrors(400, 403, 409, 422)
  @Post()
  @Can('release.manage')
  @Idempotent()
  create(@Body() dto: CreateReleaseDto, @CurrentUser() user: User): Promise<ReleaseResponse> {
    return this.releases.create(dto, user);
  }

  /** Newest first, filtered by status, destination and emergency. */
  @ApiPage(ReleaseResponse, 'A page of release orders')
  @ApiErrors(400, 422)
  @Get()
  list(@Query() query: ReleasesQuery, @CurrentUser() user: User): Promise<Page<ReleaseResponse>> {
    return this.releases.list(query, user);
  }

  /** One release order with its lines (dispatched, remaining) and its dispatches. */
  @ApiErrors(400, 404)
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: User): Promise<ReleaseResponse> {
    return this.releases.get(id, user);
  }

  /** Cancels an OPEN or PARTIAL release: what remains is freed; otherwise 409. */
  @ApiErrors(400, 403, 404, 409, 422)
  @Post(':id/cancel')
  @HttpCode(200)
  @Can('release.manage')
  @Idempotent()
  cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CancelReleaseDto,
    @CurrentUser() user: User,
  ): Promise<ReleaseResponse> {
    return this.releases.cancel(id, dto, user);
  }
}

@ApiErrors(401, 429)
@ApiTags('statistics')
@ApiBearerAuth()
@Can('hub.read')
@Controller('stats')
export class PipelineController {
  constructor(
    private readonly releases: ReleasesService,
    private readonly hubs: HubsService,
  ) {}

  /**
   * What open release orders promise and is not yet on the road, per destination and emergency:
   * tonnes, volume, households and trucks; now, or (asOf=YYYY-MM-DD) at the end of that day.
   */
  @ApiErrors(400, 422)
  @Get('pipeline')
  async pipeline(@Query() query: StockQuery, @CurrentUser() user: User): Promise<PipelineResponse> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const at = query.asOf ? endOfDay(query.asOf, hub.timeZone) : undefined;
    return this.releases.pipeline(hub, at, query.asOf);
  }
}
