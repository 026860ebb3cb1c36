import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { User } from '../auth/user.entity.js';
import { ApiErrors } from '../common/openapi/api-responses.js';
import { HubsService } from '../hubs/hubs.service.js';
import { StatsService } from '../stats/stats.service.js';
import { CarbonService } from './carbon.service.js';
import { EmissionsQuery, EmissionStatsResponse } from './dto/emissions.dto.js';

@ApiErrors(401, 429)
@ApiTags('statistics')
@ApiBearerAuth()
@Can('hub.read')
@Controller('stats')
export class CarbonController {
  constructor(
    private readonly carbon: CarbonService,
    private readonly stats: StatsService,
    private readonly hubs: HubsService,
  ) {}

  /**
   * Transport emissions (ISO 14083 / GLEC) from the rollups, per destination and method, against
   * the CO2 the hub's solar plant avoided over the same days, and the net figure.
   */
  @ApiErrors(400, 403, 422)
  @Get('emissions')
  async emissions(
    @Query() query: EmissionsQuery,
    @CurrentUser() user: User,
  ): Promise<EmissionStatsResponse> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    return this.carbon.emissions({
      hub,
      from: query.from ?? null,
      asOf: query.asOf ?? this.stats.today(hub),
      emergency: query.emergency ?? null,
    });
  }
}
