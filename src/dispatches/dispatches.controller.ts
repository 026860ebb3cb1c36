import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Role } from '../auth/role.js';
import { User } from '../auth/user.entity.js';
import { CurrentUser, Roles } from '../common/auth/auth.decorators.js';
import { Idempotent } from '../common/idempotency/idempotent.decorator.js';
import { Page } from '../common/pagination/page.js';
import { HubsService } from '../hubs/hubs.service.js';
import { HubQuery } from '../stock/dto/stock.dto.js';
import { DispatchImportService, ImportResult } from './dispatch-import.service.js';
import { DispatchesService } from './dispatches.service.js';
import {
  CancelDispatchDto,
  CreateDispatchDto,
  DispatchesQuery,
  RecordDeliveryDto,
} from './dto/dispatch.dto.js';
import { DispatchResponse } from './dto/dispatch.response.js';

@ApiTags('dispatches')
@ApiBearerAuth()
@Controller('dispatches')
export class DispatchesController {
  constructor(
    private readonly dispatches: DispatchesService,
    private readonly imports: DispatchImportService,
    private readonly hubs: HubsService,
  ) {}

  /** A truck leaves the hub: stock is taken for every line, or nothing is (409). */
  @Post()
  @Roles(Role.Warehouse)
  @Idempotent()
  create(@Body() dto: CreateDispatchDto, @CurrentUser() user: User): Promise<DispatchResponse> {
    return this.dispatches.create(dto, user);
  }

  /**
   * Historical dispatches as CSV (Content-Type: text/csv), all rows or none; they count in
   * statistics but take no stock. Waybills the hub already has are skipped.
   */
  @Post('import')
  @Roles(Role.Warehouse)
  @Idempotent()
  @ApiConsumes('text/csv')
  async import(
    @Body() csv: unknown,
    @Query() query: HubQuery,
    @CurrentUser() user: User,
  ): Promise<ImportResult> {
    if (typeof csv !== 'string') {
      throw new UnsupportedMediaTypeException('Send the import as Content-Type: text/csv');
    }
    return this.imports.import(csv, await this.hubs.resolve(query.hub), user);
  }

  /** Newest first; `from`/`to` are days of dispatch in hub time. */
  @Get()
  list(@Query() query: DispatchesQuery): Promise<Page<DispatchResponse>> {
    return this.dispatches.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<DispatchResponse> {
    return this.dispatches.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(Role.Warehouse)
  @Idempotent()
  cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CancelDispatchDto,
    @CurrentUser() user: User,
  ): Promise<DispatchResponse> {
    return this.dispatches.cancel(id, dto, user);
  }

  @Post(':id/delivery')
  @HttpCode(200)
  @Roles(Role.Warehouse)
  @Idempotent()
  recordDelivery(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordDeliveryDto,
    @CurrentUser() user: User,
  ): Promise<DispatchResponse> {
    return this.dispatches.recordDelivery(id, dto, user);
  }
}
