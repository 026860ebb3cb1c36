import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { User } from '../auth/user.entity.js';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { HubsService } from '../hubs/hubs.service.js';
import {
  DispatchStatsQuery,
  DispatchStatsResponse,
  RebuildAccepted,
  RebuildStatus,
  TimeseriesQuery,
  TimeseriesResponse,
} from './dto/stats.dto.js';
import { StatsService } from './stats.service.js';
import { ApiErrors } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('statistics')
@ApiBearerAuth()
@Can('hub.read')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly stats: StatsService,
    private readonly hubs: HubsService,
  ) {}

  /** Cumulative dispatch figures and the sitrep sentence, from the rollups. */
  @ApiErrors(400, 422)
  @Get('dispatches')
  async dispatches(
    @Query() query: DispatchStatsQuery,
    @CurrentUser() user: User,
  ): Promise<DispatchStatsResponse> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    return this.stats.dispatchStats({
      hub,
      from: query.from ?? null,
      asOf: query.asOf ?? this.stats.today(hub),
      emergency: query.emergency ?? null,
    });
  }

  /** Trucks and tonnes per week (from Monday) or month, empty periods included. */
  @ApiErrors(400, 422)
  @Get('dispatches/timeseries')
  async timeseries(
    @Query() query: TimeseriesQuery,
    @CurrentUser() user: User,
  ): Promise<TimeseriesResponse> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    return this.stats.timeseries(hub, query.interval, query.from, query.to, query.emergency);
  }

  /** Recomputes every rollup from the dispatch tables, then swaps them in at once. */
  @ApiErrors(400, 403, 503)
  @Post('rebuild')
  @HttpCode(202)
  @Can('stats.rebuild')
  async rebuild(@CurrentUser() user: User): Promise<RebuildAccepted> {
    return { jobId: await this.stats.requestRebuild(user.id) };
  }

  /** The state of a rebuild: waiting, active, completed or failed. */
  @ApiErrors(403, 404)
  @Get('rebuild/:jobId')
  @Can('stats.rebuild')
  rebuildStatus(@Param('jobId') jobId: string): Promise<RebuildStatus> {
    return this.stats.rebuildStatus(jobId);
  }
}
