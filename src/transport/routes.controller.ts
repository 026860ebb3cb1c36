import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can } from '../auth/auth.decorators.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';
import { Page } from '../common/pagination/page.js';
import { HubPageQuery } from '../hubs/dto/hub-query.dto.js';
import { HubsService } from '../hubs/hubs.service.js';
import { mapRoute, PutRouteDto, RouteResponse } from './dto/route.dto.js';
import { RoutesService } from './routes.service.js';

@ApiErrors(401, 429)
@ApiTags('transport')
@ApiBearerAuth()
@Can('hub.read')
@Controller('routes')
export class RoutesController {
  constructor(
    private readonly routes: RoutesService,
    private readonly hubs: HubsService,
  ) {}

  /** The hub's road distances to its destinations, by destination code. */
  @ApiPage(RouteResponse, 'A page of routes')
  @ApiErrors(400, 422)
  @Get()
  async list(@Query() query: HubPageQuery): Promise<Page<RouteResponse>> {
    const hub = await this.hubs.resolve(query.hub);
    const { items, nextCursor } = await this.routes.list(hub, query);
    return { items: items.map(mapRoute), nextCursor };
  }

  /**
   * Sets the road distance from a hub to a destination, creating the route when new. Dispatches
   * recorded from now on take it; those recorded before keep their own.
   */
  @ApiErrors(400, 403, 404)
  @Put(':hub/:destination')
  @Can('routes.manage')
  async put(
    @Param('hub') hub: string,
    @Param('destination') destination: string,
    @Body() dto: PutRouteDto,
  ): Promise<RouteResponse> {
    const { after } = await this.routes.set(hub, destination, dto);
    return mapRoute(after);
  }
}
