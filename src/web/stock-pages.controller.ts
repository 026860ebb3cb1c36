import { Body, Get, Query, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Can } from '../auth/auth.decorators.js';
import { isValidDay } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';
import { CreateAdjustmentDto, CreateReceiptDto } from '../stock/dto/stock.dto.js';
import { AdjustmentReason } from '../stock/movement-type.js';
import { AdjustmentsService } from '../stock/adjustments.service.js';
import { ReceiptsService } from '../stock/receipts.service.js';
import { StockService } from '../stock/stock.service.js';
import { CatalogueLookup } from './catalogue-lookup.service.js';
import { CoverageViews } from './coverage-view.service.js';
import { localInputToIso } from './format.js';
import { FormFailure, FormRecorder } from './form-recorder.service.js';
import { field, FieldErrors, validateAs, wholeNumber } from './forms.js';
import type { FormBody } from './forms.js';
import { ruleMessage } from './i18n.js';
import { readLines, rowErrors, toDtoLines } from './lines.js';
import { ViewsService } from './views.service.js';
import { WebController } from './web-session.guard.js';
import type { WebRequest } from './web-request.js';

/** Stock levels, receipts and adjustments. */
@WebController()
@Can('hub.read')
export class StockPagesController {
  constructor(
    private readonly stock: StockService,
    private readonly receipts: ReceiptsService,
    private readonly adjustments: AdjustmentsService,
    private readonly catalogue: CatalogueLookup,
    private readonly recorder: FormRecorder,
    private readonly views: ViewsService,
    private readonly coverage: CoverageViews,
  ) {}

  @Get('stock')
  async levels(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Query('asOf') asOfParam?: string,
  ): Promise<void> {
    const hub = await this.views.hub(request);
    const asOf = asOfParam && isValidDay(asOfParam) ? asOfParam : undefined;
    const levels = await this.stock.levels(hub, asOf);
    const total = (key: 'weightKg' | 'volumeM3') =>
      Math.round(levels.reduce((sum, l) => sum + l[key] * 1000, 0)) / 1000;
    await this.views.send(request, response, 'stock', {
      title: 'stock.title',
      asOf: asOf ?? null,
      invalidAsOf: asOfParam !== undefined && asOfParam !== '' && !asOf,
      asOfValue: asOfParam ?? '',
      levels,
      totals: { weightKg: total('weightKg'), volumeM3: total('volumeM3') },
      // households are what is available now, whatever day the levels are shown for
      coverage: await this.coverage.forHub(hub),
    });
  }

  @Get('receipts')
  async receiptsPage(@Req() request: WebRequest, @Res() response: Response): Promise<void> {
    const hub = await this.views.hub(request);
    await this.showReceipts(request, response, hub, {}, {}, null, 200);
  }

  @Post('receipts')
  @Can('stock.record')
  async recordReceipt(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    const hub = await this.views.formHub(request, body, 'stock.record');
    const lines = readLines(body);
    const receivedAtText = field(body, 'receivedAt');
    const receivedAt = receivedAtText ? localInputToIso(receivedAtText, hub.timeZone) : undefined;
    const values = {
      reference: field(body, 'reference'),
      source: field(body, 'source'),
      receivedAt: receivedAtText,
      idempotencyKey: field(body, 'idempotencyKey'),
      lines,
    };
    const { plain, rowOf } = toDtoLines(lines);
    const result = await validateAs(CreateReceiptDto, {
      hub: hub.code,
      reference: values.reference ?? '',
      source: values.source,
      receivedAt: receivedAt === null ? receivedAtText : receivedAt,
      lines: plain,
    });
    const errors = result.errors ? rowErrors(result.errors, rowOf) : {};
    if (plain.length === 0) errors.lines = ['form.noLines'];
    if (result.errors || plain.length === 0) {
      await this.showReceipts(request, response, hub, values, errors, null, 400);
      return;
    }
    try {
      await this.recorder.once(request, body, result.dto, () =>
        this.receipts.create(result.dto, request.web!.user),
      );
    } catch (error) {
      const failure = FormFailure.from(error);
      await this.showReceipts(
        request,
        response,
        hub,
        values,
        failure.errors,
        failure,
        failure.status,
      );
      return;
    }
    response.redirect(303, '/app/receipts?done=recorded');
  }

  @Get('adjustments')
  @Can('stock.record')
  async adjustmentsPage(@Req() request: WebRequest, @Res() response: Response): Promise<void> {
    const hub = await this.views.hub(request, 'stock.record');
    await this.showAdjustment(request, response, hub, {}, {}, null, 200);
  }

  @Post('adjustments')
  @Can('stock.record')
  async recordAdjustment(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    const hub = await this.views.formHub(request, body, 'stock.record');
    const values = {
      sku: field(body, 'sku'),
      delta: field(body, 'delta'),
      reason: field(body, 'reason'),
      note: field(body, 'note'),
      idempotencyKey: field(body, 'idempotencyKey'),
    };
    const result = await validateAs(CreateAdjustmentDto, {
      hub: hub.code,
      sku: values.sku ?? '',
      delta: wholeNumber(values.delta) ?? '',
      reason: values.reason ?? '',
      note: values.note,
    });
    if (result.errors) {
      await this.showAdjustment(request, response, hub, values, result.errors, null, 400);
      return;
    }
    let outcome;
    try {
      outcome = await this.recorder.once(request, body, result.dto, () =>
        this.adjustments.create(result.dto, request.web!.user),
      );
    } catch (error) {
      const failure = FormFailure.from(error);
      // One item: its shortage belongs to the change typed.
      const errors = failure.shortages.length
        ? { delta: [ruleMessage('stock.insufficient')] }
        : failure.errors;
      await this.showAdjustment(request, response, hub, values, errors, failure, failure.status);
      return;
    }
    const { sku, onHand } = outcome.body;
    response.redirect(
      303,
      `/app/adjustments?done=${encodeURIComponent(sku)}&onHand=${encodeURIComponent(onHand)}`,
    );
  }

  private async showReceipts(
    request: WebRequest,
    response: Response,
    hub: Hub,
    values: object,
    errors: FieldErrors,
    failure: FormFailure | null,
    status: number,
  ) {
    const [recent, items] = await Promise.all([
      this.receipts.list(hub.code, { limit: 20 }, request.web!.user),
      this.catalogue.itemList(),
    ]);
    await this.views.send(
      request,
      response,
      'receipts',
      {
        title: 'receipts.title',
        pageHub: hub,
        recent: recent.items,
        items,
        values: { idempotencyKey: randomUUID(), lines: [], ...values },
        errors,
        failure,
        done: request.query.done === 'recorded',
      },
      status,
    );
  }

  private async showAdjustment(
    request: WebRequest,
    response: Response,
    hub: Hub,
    values: object,
    errors: FieldErrors,
    failure: FormFailure | null,
    status: number,
  ) {
    const items = await this.catalogue.itemList();
    const done = typeof request.query.done === 'string' ? request.query.done : null;
    await this.views.send(
      request,
      response,
      'adjustments',
      {
        title: 'adjustments.title',
        pageHub: hub,
        items,
        reasons: Object.values(AdjustmentReason),
        values: { idempotencyKey: randomUUID(), ...values },
        errors,
        failure,
        done: done
          ? { item: items.find((i) => i.sku === done)?.name ?? done, onHand: request.query.onHand }
          : null,
      },
      status,
    );
  }
}
