import {
  BadRequestException,
  Body,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Can } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.service.js';
import { DispatchStatus } from '../dispatches/dispatch-status.js';
import { DispatchesService } from '../dispatches/dispatches.service.js';
import {
  CancelDispatchDto,
  CreateDispatchDto,
  DispatchesQuery,
  ExportQuery,
  RecordDeliveryDto,
} from '../dispatches/dto/dispatch.dto.js';
import { DispatchExportService } from '../dispatches/dispatch-export.service.js';
import { DestinationsService } from '../catalogue/destinations.service.js';
import { DispatchResponse, SEMI_TRAILER } from '../dispatches/dto/dispatch-response.dto.js';
import { Hub } from '../hubs/hub.entity.js';
import { LoadPlanResponse } from '../plans/dto/load-plan.dto.js';
import { PlansService } from '../plans/plans.service.js';
import { ReleasesService } from '../releases/releases.service.js';
import { StockService } from '../stock/stock.service.js';
import { CatalogueLookup } from './catalogue-lookup.service.js';
import { localInputToIso, toLocalInput } from './format.js';
import { FormFailure, FormRecorder } from './form-recorder.service.js';
import {
  decimal,
  field,
  FieldErrors,
  fields,
  formErrors,
  validateAs,
  wholeNumber,
} from './forms.js';
import { submitLinesForm } from './lines-form.js';
import type { FormBody } from './forms.js';
import { LineValues, MIN_ROWS, readLines } from './lines.js';
import { ViewsService } from './views.service.js';
import { WebId } from './web-params.js';
import { WebController } from './web-session.guard.js';
import type { WebRequest } from './web-request.js';

const TRUCK_FIELDS = [
  'destination',
  'truckPlate',
  'trailerPlate',
  'driverName',
  'driverPhone',
  'carrier',
  'consignee',
  'emergency',
  'waybillNo',
  'cargoWeightKg',
  'distanceKm',
  'fuelLitres',
  'dispatchedAt',
  // a dispatch against a release order (its id), and that release's number for the notice
  'release',
  'releaseNumber',
] as const;

type DispatchFormValues = Partial<Record<(typeof TRUCK_FIELDS)[number], string>> & {
  idempotencyKey?: string;
  lines: LineValues[];
};

/** Recording a truck, the list of dispatches, and one dispatch with its cancel and delivery. */
@WebController('dispatches')
@Can('hub.read')
export class DispatchPagesController {
  constructor(
    private readonly dispatches: DispatchesService,
    private readonly stock: StockService,
    private readonly catalogue: CatalogueLookup,
    private readonly recorder: FormRecorder,
    private readonly views: ViewsService,
    private readonly clock: Clock,
    private readonly plans: PlansService,
    private readonly exports: DispatchExportService,
    private readonly destinations: DestinationsService,
    private readonly releases: ReleasesService,
  ) {}

  @Get()
  async list(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Query() query: Record<string, string>,
  ): Promise<void> {
    const filter = {
      destination: query.destination || undefined,
      status: query.status || undefined,
      from: query.from || undefined,
      to: query.to || undefined,
    };
    const hub = await this.views.hub(request);
    const validated = await validateAs(DispatchesQuery, {
      ...filter,
      hub: hub.code,
      limit: '25',
      cursor: query.cursor || undefined,
    });
    const dto = validated.dto ?? Object.assign(new DispatchesQuery(), { hub: hub.code, limit: 25 });
    const [page, totals] = await Promise.all([
      this.dispatches.list(dto, request.web!.user),
      this.dispatches.totals(dto, request.web!.user),
    ]);
    // The register of what the filter selects (cancelled trucks are never in it).
    const exportQuery = new URLSearchParams(
      Object.entries({ destination: dto.destination, from: dto.from, to: dto.to }).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
      ),
    );
    const next = page.nextCursor
      ? `/app/dispatches?${new URLSearchParams({
          ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v) as [string, string][]),
          cursor: page.nextCursor,
        })}`
      : null;
    await this.views.send(
      request,
      response,
      'dispatches',
      {
        title: 'dispatches.title',
        dispatches: page.items,
        filter,
        errors: validated.errors ?? {},
        next,
        totals,
        exports: ['xlsx', 'csv'].map((format) => ({
          format,
          href: `/app/dispatches/export?${new URLSearchParams([...exportQuery, ['format', format]])}`,
        })),
        destinations: await this.catalogue.destinations(),
        statuses: Object.values(DispatchStatus),
      },
      validated.errors ? 400 : 200,
    );
  }

  /**
   * The dispatch register of the hub the page shows, as GET /api/dispatches/export: the list's
   * destination and days, as CSV or XLSX.
   */
  @Get('export')
  async export(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const hub = await this.views.hub(request);
    const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
    const validated = await validateAs(ExportQuery, {
      hub: hub.code,
      destination: text(query.destination),
      from: text(query.from),
      to: text(query.to),
      format: text(query.format),
    });
    if (!validated.dto) throw new BadRequestException('Not a valid export filter');
    const dto = validated.dto;
    if (dto.from && dto.to && dto.from > dto.to) {
      throw new BadRequestException('from must not be after to');
    }
    const destination = dto.destination
      ? await this.destinations.resolve(dto.destination)
      : undefined;
    await this.exports.send(
      hub,
      { from: dto.from, to: dto.to, destinationId: destination?.id },
      dto.format === 'xlsx' ? 'xlsx' : 'csv',
      response,
    );
  }

  /**
   * The dispatch form, empty; or (`?release=<id>`) filled in from a release order at its hub:
   * its destination and emergency, and what remains of each line.
   */
  @Get('new')
  @Can('dispatch.record')
  async newForm(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Query('release') releaseId?: string,
  ): Promise<void> {
    if (releaseId === undefined || releaseId === '') {
      const hub = await this.views.hub(request, 'dispatch.record');
      await this.showForm(request, response, hub, { lines: [] }, {}, null, 200);
      return;
    }
    if (!isUUID(releaseId)) throw new NotFoundException(`No release ${releaseId}`);
    const release = await this.releases.get(releaseId, request.web!.user, false);
    const hub = await this.views.formHub(request, { hub: release.hub }, 'dispatch.record');
    const values: DispatchFormValues = {
      destination: release.destination,
      emergency: release.emergency ?? undefined,
      release: release.id,
      releaseNumber: release.number,
      lines: release.lines
        .filter((line) => line.remaining > 0)
        .map((line) => ({ sku: line.sku, quantity: String(line.remaining) })),
    };
    await this.showForm(request, response, hub, values, {}, null, 200);
  }

  @Post()
  @Can('dispatch.record')
  async record(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    const hub = await this.views.formHub(request, body, 'dispatch.record');
    const values: DispatchFormValues = {
      ...Object.fromEntries(TRUCK_FIELDS.map((name) => [name, field(body, name)])),
      idempotencyKey: field(body, 'idempotencyKey'),
      lines: readLines(body),
    };
    const dispatchedAt = values.dispatchedAt
      ? (localInputToIso(values.dispatchedAt, hub.timeZone) ?? values.dispatchedAt)
      : undefined;
    const done = await submitLinesForm(
      {
        request,
        body,
        lines: values.lines,
        validate: (lines) =>
          validateAs(CreateDispatchDto, {
            hub: hub.code,
            destination: values.destination ?? '',
            truckPlate: values.truckPlate ?? '',
            trailerPlate: values.trailerPlate,
            driverName: values.driverName,
            driverPhone: values.driverPhone,
            carrier: values.carrier,
            consignee: values.consignee,
            emergency: values.emergency,
            waybillNo: values.waybillNo,
            cargoWeightKg: decimal(values.cargoWeightKg, request.language),
            distanceKm: decimal(values.distanceKm, request.language),
            fuelLitres: decimal(values.fuelLitres, request.language),
            dispatchedAt,
            release: values.release,
            lines,
          }),
        record: (dto) => this.dispatches.create(dto, request.web!.user),
        show: (errors, failure, status, plan) =>
          this.showForm(request, response, hub, values, errors, failure, status, plan),
      },
      this.plans,
      this.recorder,
    );
    if (done) {
      response.redirect(
        303,
        `/app/dispatches/${done.body.id}?done=${done.replayed ? 'replayed' : 'recorded'}`,
      );
    }
  }

  @Get(':id')
  async show(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Param('id', WebId) id: string,
  ): Promise<void> {
    const dispatch = await this.dispatches.get(id, request.web!.user);
    await this.showDispatch(request, response, dispatch, {}, null, 200);
  }

  @Post(':id/cancel')
  @Can('dispatch.record')
  async cancel(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Param('id', WebId) id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    const dispatch = await this.dispatches.get(id, request.web!.user);
    const reason = field(body, 'reason');
    const result = await validateAs(CancelDispatchDto, { reason: reason ?? '' });
    if (!result.dto) {
      await this.showDispatch(
        request,
        response,
        dispatch,
        formErrors('cancel', result.errors),
        null,
        400,
        { reason },
      );
      return;
    }
    try {
      await this.recorder.once(request, body, result.dto, () =>
        this.dispatches.cancel(id, result.dto, request.web!.user),
      );
    } catch (error) {
      const failure = FormFailure.from(error);
      await this.showDispatch(request, response, dispatch, {}, failure, failure.status, { reason });
      return;
    }
    response.redirect(303, `/app/dispatches/${id}?done=cancelled`);
  }

  @Post(':id/delivery')
  @Can('dispatch.record')
  async deliver(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Param('id', WebId) id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    const dispatch = await this.dispatches.get(id, request.web!.user);
    const hub = await this.views.hubOf(request, dispatch.hub);
    const deliveredAtText = field(body, 'deliveredAt');
    const received = fields(body, 'received');
    const damaged = fields(body, 'damaged');
    const values = { deliveredAt: deliveredAtText, received, damaged, note: field(body, 'note') };
    const result = await validateAs(RecordDeliveryDto, {
      deliveredAt: deliveredAtText
        ? (typedToMinute(localInputToIso(deliveredAtText, hub.timeZone), dispatch) ??
          deliveredAtText)
        : '',
      note: values.note,
      lines: dispatch.lines.map((line, i) => ({
        sku: line.sku,
        receivedQuantity: wholeNumber(received[i]) ?? '',
        damagedQuantity: wholeNumber(damaged[i]),
      })),
    });
    if (!result.dto) {
      await this.showDispatch(
        request,
        response,
        dispatch,
        formErrors('delivery', result.errors),
        null,
        400,
        values,
      );
      return;
    }
    try {
      await this.recorder.once(request, body, result.dto, () =>
        this.dispatches.recordDelivery(id, result.dto, request.web!.user),
      );
    } catch (error) {
      const failure = FormFailure.from(error);
      const errors = formErrors('delivery', failure.errors);
      await this.showDispatch(request, response, dispatch, errors, failure, failure.status, values);
      return;
    }
    response.redirect(303, `/app/dispatches/${id}?done=delivered`);
  }

  private async showForm(
    request: WebRequest,
    response: Response,
    hub: Hub,
    values: DispatchFormValues,
    errors: FieldErrors,
    failure: FormFailure | null,
    status: number,
    plan: LoadPlanResponse | null = null,
  ): Promise<void> {
    const [items, kits, levels, destinations] = await Promise.all([
      this.catalogue.itemList(),
      this.catalogue.kitList(),
      this.stock.levels(hub),
      this.catalogue.destinations(),
    ]);
    const onHand = Object.fromEntries(levels.map((l) => [l.sku, l.onHand]));
    const rows = Math.max(MIN_ROWS, values.lines.length);
    const shortages = Object.fromEntries((failure?.shortages ?? []).map((s) => [s.sku, s]));
    await this.views.send(
      request,
      response,
      'dispatch-new',
      {
        title: 'dispatch.newTitle',
        pageHub: hub,
        navCurrent: '/app/dispatches/new',
        items,
        kits,
        plan,
        onHand,
        destinations,
        semiTrailer: SEMI_TRAILER,
        values: {
          idempotencyKey: randomUUID(),
          ...values,
          lines: Array.from(
            { length: rows },
            (_, i) => values.lines[i] ?? { sku: '', quantity: '' },
          ),
        },
        errors,
        failure,
        shortages,
      },
      status,
    );
  }

  private async showDispatch(
    request: WebRequest,
    response: Response,
    dispatch: DispatchResponse,
    errors: FieldErrors,
    failure: FormFailure | null,
    status: number,
    values: Record<string, unknown> = {},
  ): Promise<void> {
    // The dispatch's own hub: its times and the delivery form are in that hub's zone.
    const hub = await this.views.hubOf(request, dispatch.hub);
    const [items, destinations] = await Promise.all([
      this.catalogue.itemList(),
      this.catalogue.destinations(),
    ]);
    const done = typeof request.query.done === 'string' ? request.query.done : null;
    await this.views.send(
      request,
      response,
      'dispatch',
      {
        title: 'dispatch.title',
        pageHub: hub,
        navCurrent: '/app/dispatches',
        titleParams: { waybill: dispatch.waybillNo },
        dispatch,
        itemNames: Object.fromEntries(items.map((i) => [i.sku, i.name])),
        destination: destinations.find((d) => d.code === dispatch.destination) ?? {
          name: dispatch.destination,
        },
        done: ['recorded', 'replayed', 'cancelled', 'delivered'].includes(done ?? '') ? done : null,
        errors,
        failure,
        values: {
          cancelKey: randomUUID(),
          deliveryKey: randomUUID(),
          deliveredAt: toLocalInput(this.clock.now(), hub.timeZone),
          ...values,
        },
      },
      status,
    );
  }
}

/**
 * A time typed to the minute means some time in that minute: when it is the minute the truck
 * left, it is taken as no earlier than the dispatch (a delivery recorded straight away).
 */
function typedToMinute(iso: string | null, dispatch: DispatchResponse): string | null {
  if (!iso) return null;
  const typed = new Date(iso).getTime();
  const left = new Date(dispatch.dispatchedAt).getTime();
  return typed < left && left - typed < 60_000 ? dispatch.dispatchedAt : iso;
}
