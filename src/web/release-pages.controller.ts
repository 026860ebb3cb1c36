import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Can } from '../auth/auth.decorators.js';
import { Hub } from '../hubs/hub.entity.js';
import { LoadPlanResponse } from '../plans/dto/load-plan.dto.js';
import { PlansService } from '../plans/plans.service.js';
import { CancelReleaseDto, CreateReleaseDto, ReleasesQuery } from '../releases/dto/release.dto.js';
import { ReleaseResponse } from '../releases/dto/release-response.dto.js';
import { ReleaseStatus } from '../releases/release-status.js';
import { ReleasesService } from '../releases/releases.service.js';
import { StockService } from '../stock/stock.service.js';
import { CatalogueLookup } from './catalogue-lookup.service.js';
import { FormFailure, FormRecorder } from './form-recorder.service.js';
import { submitLinesForm } from './lines-form.js';
import { field, FieldErrors, formErrors, validateAs } from './forms.js';
import type { FormBody } from './forms.js';
import { LineValues, MIN_ROWS, readLines } from './lines.js';
import { ViewsService } from './views.service.js';
import { WebId } from './web-params.js';
import { WebController } from './web-session.guard.js';
import type { WebRequest } from './web-request.js';

const RELEASE_FIELDS = ['destination', 'emergency', 'neededBy', 'note'] as const;

type ReleaseFormValues = Partial<Record<(typeof RELEASE_FIELDS)[number], string>> & {
  idempotencyKey?: string;
  lines: LineValues[];
};

/**
 * Release orders: the list, a coordinator's form (item and kit lines, with its load plan), and
 * a release's page with its dispatches, its cancel form and, for warehouse staff, the dispatch
 * form filled in with what remains.
 */
@WebController('releases')
@Can('hub.read')
export class ReleasePagesController {
  constructor(
    private readonly releases: ReleasesService,
    private readonly stock: StockService,
    private readonly catalogue: CatalogueLookup,
    private readonly recorder: FormRecorder,
    private readonly views: ViewsService,
    private readonly plans: PlansService,
  ) {}

  @Get()
  async list(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Query() query: Record<string, string>,
  ): Promise<void> {
    const filter = {
      status: query.status || undefined,
      destination: query.destination || undefined,
      emergency: query.emergency || undefined,
    };
    const hub = await this.views.hub(request);
    const validated = await validateAs(ReleasesQuery, {
      ...filter,
      hub: hub.code,
      limit: '25',
      cursor: query.cursor || undefined,
    });
    const page = await this.releases.list(
      validated.dto ?? Object.assign(new ReleasesQuery(), { hub: hub.code, limit: 25 }),
      request.web!.user,
    );
    const next = page.nextCursor
      ? `/app/releases?${new URLSearchParams({
          ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v) as [string, string][]),
          cursor: page.nextCursor,
        })}`
      : null;
    await this.views.send(
      request,
      response,
      'releases',
      {
        title: 'releases.title',
        releases: page.items,
        filter,
        errors: validated.errors ?? {},
        next,
        destinations: await this.catalogue.destinations(),
        statuses: Object.values(ReleaseStatus),
      },
      validated.errors ? 400 : 200,
    );
  }

  @Get('new')
  @Can('release.manage')
  async newForm(@Req() request: WebRequest, @Res() response: Response): Promise<void> {
    const hub = await this.views.hub(request, 'release.manage');
    await this.showForm(request, response, hub, { lines: [] }, {}, null, 200);
  }

  @Post()
  @Can('release.manage')
  async create(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    const hub = await this.views.formHub(request, body, 'release.manage');
    const values: ReleaseFormValues = {
      ...Object.fromEntries(RELEASE_FIELDS.map((name) => [name, field(body, name)])),
      idempotencyKey: field(body, 'idempotencyKey'),
      lines: readLines(body),
    };
    const done = await submitLinesForm(
      {
        request,
        body,
        lines: values.lines,
        validate: (lines) =>
          validateAs(CreateReleaseDto, {
            hub: hub.code,
            destination: values.destination ?? '',
            emergency: values.emergency,
            neededBy: values.neededBy,
            note: values.note,
            lines,
          }),
        record: (dto) => this.releases.create(dto, request.web!.user),
        show: (errors, failure, status, plan) =>
          this.showForm(request, response, hub, values, errors, failure, status, plan),
      },
      this.plans,
      this.recorder,
    );
    if (done) {
      response.redirect(
        303,
        `/app/releases/${done.body.id}?done=${done.replayed ? 'replayed' : 'created'}`,
      );
    }
  }

  @Get(':id')
  async show(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Param('id', WebId) id: string,
  ): Promise<void> {
    const release = await this.releases.get(id, request.web!.user);
    await this.showRelease(request, response, release, {}, null, 200);
  }

  @Post(':id/cancel')
  @Can('release.manage')
  async cancel(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Param('id', WebId) id: string,
    @Body() body: FormBody,
  ): Promise<void> {
    const release = await this.releases.get(id, request.web!.user);
    const reason = field(body, 'reason');
    const result = await validateAs(CancelReleaseDto, { reason: reason ?? '' });
    if (!result.dto) {
      const errors = formErrors('cancel', result.errors);
      await this.showRelease(request, response, release, errors, null, 400, { reason });
      return;
    }
    try {
      await this.recorder.once(request, body, result.dto, () =>
        this.releases.cancel(id, result.dto, request.web!.user),
      );
    } catch (error) {
      const failure = FormFailure.from(error);
      await this.showRelease(request, response, release, {}, failure, failure.status, { reason });
      return;
    }
    response.redirect(303, `/app/releases/${id}?done=cancelled`);
  }

  private async showForm(
    request: WebRequest,
    response: Response,
    hub: Hub,
    values: ReleaseFormValues,
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
    // What a release may still promise: the unreserved stock.
    const onHand = Object.fromEntries(levels.map((l) => [l.sku, l.available]));
    const rows = Math.max(MIN_ROWS, values.lines.length);
    const shortages = Object.fromEntries((failure?.shortages ?? []).map((s) => [s.sku, s]));
    await this.views.send(
      request,
      response,
      'release-new',
      {
        title: 'release.newTitle',
        pageHub: hub,
        navCurrent: '/app/releases',
        items,
        kits,
        plan,
        onHand,
        destinations,
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

  private async showRelease(
    request: WebRequest,
    response: Response,
    release: ReleaseResponse,
    errors: FieldErrors,
    failure: FormFailure | null,
    status: number,
    values: Record<string, unknown> = {},
  ): Promise<void> {
    const hub = await this.views.hubOf(request, release.hub);
    const destinations = await this.catalogue.destinations();
    const done = typeof request.query.done === 'string' ? request.query.done : null;
    await this.views.send(
      request,
      response,
      'release',
      {
        title: 'release.title',
        pageHub: hub,
        navCurrent: '/app/releases',
        titleParams: { number: release.number },
        release,
        holding: release.status === ReleaseStatus.Open || release.status === ReleaseStatus.Partial,
        destination: destinations.find((d) => d.code === release.destination) ?? {
          name: release.destination,
        },
        done: ['created', 'replayed', 'cancelled'].includes(done ?? '') ? done : null,
        errors,
        failure,
        values: { cancelKey: randomUUID(), ...values },
      },
      status,
    );
  }
}
