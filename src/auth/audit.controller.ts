import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service.js';
import { AuditQuery, AuditRecordResponse, mapAuditRecord } from '../audit/dto/audit.dto.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';
import { Page } from '../common/pagination/page.js';
import { Can } from './auth.decorators.js';

/**
 * The audit trail, read-only: no route changes or deletes a record. Here beside users and keys
 * rather than in audit/, which every feature (this one included) imports to write the trail.
 */
@ApiErrors(401, 429)
@ApiTags('audit')
@ApiBearerAuth()
@Can('audit.read')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Who changed what, and refused writes: newest first, filtered by actor, action, target type and time. */
  @ApiPage(AuditRecordResponse, 'A page of the audit trail')
  @ApiErrors(400, 403)
  @Get()
  async list(@Query() query: AuditQuery): Promise<Page<AuditRecordResponse>> {
    const { items, nextCursor } = await this.audit.list(query);
    return { items: items.map(mapAuditRecord), nextCursor };
  }
}
