import { Get, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { AUDIT_TARGET_TYPES, AuditQuery, mapAuditRecord } from '../audit/dto/audit.dto.js';
import { Can } from '../auth/auth.decorators.js';
import { addDays, isValidDay } from '../common/time/zoned.js';
import { localInputToIso } from './format.js';
import { validateAs } from './forms.js';
import { ViewsService } from './views.service.js';
import { WebController } from './web-session.guard.js';
import type { WebRequest } from './web-request.js';

const PAGE_SIZE = 50;

/** The audit trail for admins: who changed what, and refused writes, with the API's filters. */
@WebController('audit')
@Can('audit.read')
export class AuditPagesController {
  constructor(
    private readonly audit: AuditService,
    private readonly views: ViewsService,
  ) {}

  @Get()
  async list(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const text = (name: string) =>
      typeof query[name] === 'string' && query[name] ? (query[name] as string) : undefined;
    const filter = {
      actor: text('actor'),
      action: text('action'),
      targetType: text('targetType'),
      from: text('from'),
      to: text('to'),
    };
    // Days on this page are the hub's, as everywhere in the web app; the API's are UTC days.
    const { timeZone } = await this.views.hub(request);
    const dayStart = (day: string | undefined, offset: number) =>
      day && isValidDay(day)
        ? (localInputToIso(`${addDays(day, offset)}T00:00`, timeZone) ?? day)
        : day;
    const validated = await validateAs(AuditQuery, {
      ...filter,
      from: dayStart(filter.from, 0),
      to: dayStart(filter.to, 1),
      limit: String(PAGE_SIZE),
      cursor: text('cursor'),
    });
    // `to` is now the start of the next day: exclusive, as an instant is.
    const page = await this.audit.list(
      validated.dto ?? Object.assign(new AuditQuery(), { limit: PAGE_SIZE }),
    );
    const set = Object.entries(filter).filter((entry): entry is [string, string] => !!entry[1]);
    const next = page.nextCursor
      ? `/app/audit?${new URLSearchParams([...set, ['cursor', page.nextCursor]])}`
      : null;
    await this.views.send(
      request,
      response,
      'audit',
      {
        title: 'audit.title',
        records: page.items.map(mapAuditRecord),
        filter,
        errors: validated.errors ?? {},
        targetTypes: AUDIT_TARGET_TYPES,
        next,
      },
      validated.errors ? 400 : 200,
    );
  }
}
