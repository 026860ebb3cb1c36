import { BadRequestException, HttpException, Injectable } from '@nestjs/common';
import {
  IdempotencyKeyReusedException,
  IdempotencyService,
  IdempotentOutcome,
  webUserScope,
} from '../common/idempotency/idempotency.service.js';
import { requestHash } from '../common/idempotency/request-hash.js';
import { DomainError } from '../common/errors/domain.error.js';
import { isRetryable } from '../database/transaction.js';
import type { Shortage } from '../stock/stock.service.js';
import { field, FieldErrors, FormBody } from './forms.js';
import { MessageKey, ruleMessage } from './i18n.js';
import { WebRequest } from './web-request.js';

/**
 * Records a form once, however often it is sent: each form carries a key generated when it was
 * rendered, and the API's idempotency mechanism (same table, same rules) runs the work once per
 * user, path and key. A second click waits for the first and gets its outcome.
 */
@Injectable()
export class FormRecorder {
  constructor(private readonly idempotency: IdempotencyService) {}

  once<T>(
    request: WebRequest,
    body: FormBody,
    dto: object,
    work: () => Promise<T>,
  ): Promise<IdempotentOutcome<T>> {
    const key = field(body, 'idempotencyKey');
    if (!key || key.length > 255) {
      throw new BadRequestException('The form has no idempotency key; open it again');
    }
    const scope = {
      apiKeyHash: webUserScope(request.web!.user.id),
      method: 'POST',
      path: request.path.slice(0, 400),
      key,
    };
    return this.idempotency.run(scope, requestHash(dto), 201, work, { wait: true });
  }
}

/** Why a form was not recorded, as its page shows it next to the form. */
export class FormFailure {
  constructor(
    readonly status: number,
    readonly key: MessageKey,
    readonly detail: string | null = null,
    readonly errors: FieldErrors = {},
    readonly shortages: Shortage[] = [],
  ) {}

  /**
   * Rules the services enforce become messages in the reader's language: next to the field (or
   * the short lines) they concern, else above the form. Other client errors are shown as the
   * API words them; anything else is thrown.
   */
  static from(error: unknown): FormFailure {
    if (error instanceof DomainError) {
      const message = ruleMessage(error.code);
      const shortages = (error.details.shortages as Shortage[] | undefined) ?? [];
      if (error.field) {
        return new FormFailure(error.status, 'form.fixErrors', null, { [error.field]: [message] });
      }
      if (shortages.length) {
        return new FormFailure(error.status, 'form.fixErrors', null, {}, shortages);
      }
      return new FormFailure(error.status, message);
    }
    if (error instanceof IdempotencyKeyReusedException) return new FormFailure(422, 'form.reused');
    if (isRetryable(error)) return new FormFailure(503, 'form.busy');
    if (error instanceof HttpException && error.getStatus() < 500) {
      const raw = error.getResponse();
      const message = typeof raw === 'string' ? raw : (raw as { message?: unknown }).message;
      const detail = Array.isArray(message) ? message.join('; ') : String(message ?? error.message);
      return new FormFailure(error.getStatus(), 'form.rejected', detail);
    }
    throw error;
  }
}
