import { Body, Controller, Get, NotFoundException, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { User } from '../auth/user.entity.js';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { Idempotent } from '../common/idempotency/idempotent.decorator.js';
import { Page } from '../common/pagination/page.js';
import { HubsService } from '../hubs/hubs.service.js';
import { AdjustmentsService } from './adjustments.service.js';
import { CoverageQuery, CreateAdjustmentDto, MovementsQuery, StockQuery } from './dto/stock.dto.js';
import {
  AdjustmentResponse,
  CoverageResponse,
  KitCoverageResponse,
  mapCoverage,
  mapMovement,
  MovementResponse,
  StockLevelResponse,
  StockResponse,
} from './dto/stock-response.dto.js';
import { StockService } from './stock.service.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('stock')
@ApiBearerAuth()
@Can('hub.read')
@Controller('stock')
export class StockController {
  constructor(
    private readonly stock: StockService,
    private readonly adjustments: AdjustmentsService,
    private readonly hubs: HubsService,
  ) {}

  /** On hand per item at the hub, now or (asOf=YYYY-MM-DD) at the end of that day. */
  @ApiErrors(400, 422)
  @Get()
  async levels(@Query() query: StockQuery, @CurrentUser() user: User): Promise<StockResponse> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    return {
      hub: hub.code,
      asOf: query.asOf ?? null,
      items: await this.stock.levels(hub, query.asOf),
    };
  }

  /**
   * Households the hub's available stock covers per kit, with the items that limit it: one kit
   * (`kit=HH-CRI-5`) or, without `kit`, `{ hub, items }` with every kit.
   */
  @ApiExtraModels(KitCoverageResponse, CoverageResponse)
  @ApiOkResponse({
    description: "One kit's coverage with `kit`; every kit's (`items`) without",
    schema: {
      oneOf: [
        { $ref: getSchemaPath(KitCoverageResponse) },
        { $ref: getSchemaPath(CoverageResponse) },
      ],
    },
  })
  @ApiErrors(400, 403, 422)
  @Get('coverage')
  async coverage(
    @Query() query: CoverageQuery,
    @CurrentUser() user: User,
  ): Promise<KitCoverageResponse | CoverageResponse> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const kits = (await this.stock.coverage(hub, query.kit)).map((k) => mapCoverage(hub.code, k));
    return query.kit !== undefined ? kits[0] : { hub: hub.code, items: kits };
  }

  /** The ledger, newest first. */
  @ApiPage(MovementResponse, 'A page of stock movements')
  @ApiErrors(400, 422)
  @Get('movements')
  async movements(
    @Query() query: MovementsQuery,
    @CurrentUser() user: User,
  ): Promise<Page<MovementResponse>> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const page = await this.stock.movements(hub, query);
    return { items: page.items.map(mapMovement), nextCursor: page.nextCursor };
  }

  /** A stock count, damage, loss or opening balance for one item; never below zero (409). */
  @ApiErrors(400, 403, 409, 422)
  @Post('adjustments')
  @Can('stock.record')
  @Idempotent()
  adjust(@Body() dto: CreateAdjustmentDto, @CurrentUser() user: User): Promise<AdjustmentResponse> {
    return this.adjustments.create(dto, user);
  }

  /** One item's level at the hub, now or at the end of `asOf`. */
  @ApiErrors(400, 404, 422)
  @Get(':sku')
  async level(
    @Param('sku') sku: string,
    @Query() query: StockQuery,
    @CurrentUser() user: User,
  ): Promise<StockLevelResponse> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const [level] = await this.stock.levels(hub, query.asOf, sku);
    if (!level) throw new NotFoundException(`No item with SKU ${sku}`);
    return level;
  }
}
