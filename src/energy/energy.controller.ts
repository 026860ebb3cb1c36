import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { User } from '../auth/user.entity.js';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { JsonBodyLimit, MAX_JSON_BODY_LIMIT } from '../common/http/body-limits.js';
import { Idempotent } from '../common/idempotency/idempotent.decorator.js';
import { Page } from '../common/pagination/page.js';
import { HubPageQuery } from '../hubs/dto/hub-query.dto.js';
import { EnergyReportQuery, EnergyReportResponse } from './dto/energy-report.dto.js';
import {
  CreatePvSystemDto,
  mapPvSystem,
  PvSystemResponse,
  UpdatePvSystemDto,
} from './dto/pv-system.dto.js';
import { ReadingsResponse, RecordReadingsDto } from './dto/readings.dto.js';
import { EnergyReportsService } from './energy-reports.service.js';
import { PvSystemsService } from './pv-systems.service.js';
import type { ReceivedReadings } from './reading-rules.js';
import { ReadingsBodyPipe } from './readings-body.pipe.js';
import { ReadingsService } from './readings.service.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('energy')
@ApiBearerAuth()
@Can('hub.read')
@Controller('energy')
export class EnergyController {
  constructor(
    private readonly systems: PvSystemsService,
    private readonly readings: ReadingsService,
    private readonly reports: EnergyReportsService,
  ) {}

  /** PV systems of the hub, by code. */
  @ApiPage(PvSystemResponse, 'A page of PV systems')
  @ApiErrors(400, 422)
  @Get('systems')
  async listSystems(
    @Query() query: HubPageQuery,
    @CurrentUser() user: User,
  ): Promise<Page<PvSystemResponse>> {
    const { items, nextCursor } = await this.systems.list(query, user);
    return { items: items.map(mapPvSystem), nextCursor };
  }

  /** A new PV system of a hub; its code must be new (409). */
  @ApiErrors(400, 403, 409, 422)
  @Post('systems')
  @Can('energy.manage')
  async createSystem(
    @Body() dto: CreatePvSystemDto,
    @CurrentUser() user: User,
  ): Promise<PvSystemResponse> {
    return mapPvSystem(await this.systems.create(dto, user));
  }

  /**
   * Changes a system's name, capacity, target performance ratio or monthly profile (12 shares
   * summing to 1; null for the default). Reports use the settings of the moment they are read.
   */
  @ApiErrors(400, 403, 404, 422)
  @Patch('systems/:code')
  @Can('energy.manage')
  async updateSystem(
    @Param('code') code: string,
    @Body() dto: UpdatePvSystemDto,
    @CurrentUser() user: User,
  ): Promise<PvSystemResponse> {
    const { after } = await this.systems.update(code, dto, user);
    return mapPvSystem(after);
  }

  /**
   * Meter readings, 1 to 10,000, as JSON or as CSV (text/csv, header
   * `system,start,end,generated_kwh,consumed_kwh,grid_import_kwh,exported_kwh,irradiation_kwh_m2`).
   * A reading with the start of a stored one replaces it. All or nothing.
   */
  @ApiErrors(400, 403, 409, 413, 415, 422)
  // 10,000 readings with every field at its longest are 2.3 MB of compact JSON (2.9 MB indented
  // by 2, 3.4 MB by 4): the one API route whose JSON bodies may be over the default 256 KB
  // (body-limits.ts). Its parameter is ReadingsBodyPipe's output, not the DTO, so the DTO whose
  // arrays are counted before anything walks them is named here.
  @JsonBodyLimit(MAX_JSON_BODY_LIMIT, RecordReadingsDto)
  @Post('readings')
  @Can('energy.record')
  @Idempotent()
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ type: RecordReadingsDto })
  record(
    @Body(ReadingsBodyPipe) received: ReceivedReadings,
    @CurrentUser() user: User,
  ): Promise<ReadingsResponse> {
    return this.readings.record(received, user);
  }

  /** KPIs per day, week or month, from the daily rollups. */
  @ApiErrors(400, 422)
  @Get('reports')
  report(
    @Query() query: EnergyReportQuery,
    @CurrentUser() user: User,
  ): Promise<EnergyReportResponse> {
    return this.reports.report(query, user);
  }
}
