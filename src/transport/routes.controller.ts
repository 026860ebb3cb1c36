import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { assertCan } from '../auth/permissions.js';
import { User } from '../auth/user.entity.js';
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
  async list(
    @Query() query: HubPageQuery,
    @CurrentUser() user: User,
  ): Promise<Page<RouteResponse>> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
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
    @CurrentUser() user: User,
  ): Promise<RouteResponse> {
    assertCan(user, 'routes.manage', hub); // an unknown hub is the service's 404
    const { after } = await this.routes.set(hub, destination, dto);
    return mapRoute(after);
  }
}
