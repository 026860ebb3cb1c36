import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  BadRequestException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Response } from 'express';
import { DestinationsService } from '../catalogue/destinations.service.js';
import { ApiBearerAuth, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import { User } from '../auth/user.entity.js';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { Idempotent } from '../common/idempotency/idempotent.decorator.js';
import { Page } from '../common/pagination/page.js';
import { HubsService } from '../hubs/hubs.service.js';
import { HubQuery } from '../hubs/dto/hub-query.dto.js';
import { DispatchExportService } from './dispatch-export.service.js';
import { DispatchImportService, ImportResult } from './dispatch-import.service.js';
import { DispatchesService } from './dispatches.service.js';
import {
  CancelDispatchDto,
  CreateDispatchDto,
  DispatchesQuery,
  ExportQuery,
  RecordDeliveryDto,
} from './dto/dispatch.dto.js';
import { DispatchResponse, ImportResultResponse } from './dto/dispatch-response.dto.js';
import { ApiErrors, ApiPage, ApiReturns } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('dispatches')
@ApiBearerAuth()
@Can('hub.read')
@Controller('dispatches')
export class DispatchesController {
  constructor(
    private readonly dispatches: DispatchesService,
    private readonly imports: DispatchImportService,
    private readonly exports: DispatchExportService,
    private readonly hubs: HubsService,
    private readonly destinations: DestinationsService,
  ) {}

  /** A truck leaves the hub: stock is taken for every line, or nothing is (409). */
  @ApiErrors(400, 403, 409, 422)
  @Post()
  @Can('dispatch.record')
  @Idempotent()
  create(@Body() dto: CreateDispatchDto, @CurrentUser() user: User): Promise<DispatchResponse> {
    return this.dispatches.create(dto, user);
  }

  /**
   * Historical dispatches as CSV (Content-Type: text/csv), all rows or none; they count in
   * statistics but take no stock. Waybills the hub already has are skipped.
   */
  @ApiReturns(
    'What was imported, and how many waybills the hub had already',
    { 'application/json': ImportResultResponse },
    201,
  )
  @ApiErrors(400, 403, 409, 413, 415, 422)
  @Post('import')
  @Can('dispatch.record')
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
    return this.imports.import(
      csv,
      await this.hubs.resolveFor(user, 'dispatch.record', query.hub),
      user,
    );
  }

  /** Newest first; `from`/`to` are days of dispatch in hub time. */
  @ApiPage(DispatchResponse, 'A page of dispatches')
  @ApiErrors(400, 422)
  @Get()
  list(
    @Query() query: DispatchesQuery,
    @CurrentUser() user: User,
  ): Promise<Page<DispatchResponse>> {
    return this.dispatches.list(query, user);
  }

  /** The dispatch register, one row per line, streamed as CSV or XLSX. */
  @ApiReturns('The register (`format`: csv, the default, or xlsx), as a download', {
    'text/csv': 'text',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'binary',
  })
  @ApiErrors(400, 422)
  @Get('export')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(
    @Query() query: ExportQuery,
    @CurrentUser() user: User,
    @Res() response: Response,
  ): Promise<void> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const destination = query.destination
      ? await this.destinations.resolve(query.destination)
      : undefined;
    if (query.from && query.to && query.from > query.to) {
      throw new BadRequestException('from must not be after to');
    }
    await this.exports.send(
      hub,
      { from: query.from, to: query.to, destinationId: destination?.id },
      query.format === 'xlsx' ? 'xlsx' : 'csv',
      response,
    );
  }

  /** One dispatch with its lines (and delivery counts). */
  @ApiErrors(400, 404)
  @Get(':id')
  get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: User,
  ): Promise<DispatchResponse> {
    return this.dispatches.get(id, user);
  }

  /** Cancels a DISPATCHED dispatch: its stock comes back; a delivered one is 409. */
  @ApiErrors(400, 403, 404, 409, 422)
  @Post(':id/cancel')
  @HttpCode(200)
  @Can('dispatch.record')
  @Idempotent()
  cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CancelDispatchDto,
    @CurrentUser() user: User,
  ): Promise<DispatchResponse> {
    return this.dispatches.cancel(id, dto, user);
  }

  /** Records what arrived: every line once, damaged and missing units as transit losses. */
  @ApiErrors(400, 403, 404, 409, 422)
  @Post(':id/delivery')
  @HttpCode(200)
  @Can('dispatch.record')
  @Idempotent()
  recordDelivery(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordDeliveryDto,
    @CurrentUser() user: User,
  ): Promise<DispatchResponse> {
    return this.dispatches.recordDelivery(id, dto, user);
  }
}
