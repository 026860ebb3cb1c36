import { ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AllExceptionsFilter } from '../common/http/all-exceptions.filter.js';
import { AuditService } from './audit.service.js';
import { deniedWrite, statusOf } from './denied-request.js';

/**
 * The API's one error shape (AllExceptionsFilter), recording a refused write (401, 403) in the
 * audit trail before answering it, so that the record exists once the client has its answer.
 */
@Catch()
@Injectable()
export class AuditedExceptionsFilter extends AllExceptionsFilter {
  constructor(private readonly audit: AuditService) {
    super();
  }

  override async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const status = statusOf(exception);
    const denied =
      status === null ? null : deniedWrite(host.switchToHttp().getRequest<Request>(), status);
    if (denied) await this.audit.recordDenied(denied);
    super.catch(exception, host);
  }
}
