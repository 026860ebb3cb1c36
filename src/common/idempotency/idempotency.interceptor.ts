import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { IDEMPOTENT } from './idempotent.decorator.js';
import { IdempotencyScope, IdempotencyService } from './idempotency.service.js';
import { requestHash } from './request-hash.js';

/** A request the API key guard has signed in: records are scoped to its key. */
type KeyedRequest = Request & { user: { apiKeyHash: string } };

/**
 * Idempotency-Key for every route marked @Idempotent(), through IdempotencyService: the request
 * runs in one transaction with the record of its response, and a concurrent repeat answers 409
 * instead of running twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const key = request.headers['idempotency-key'];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new BadRequestException('Idempotency-Key must be one header of 1 to 255 characters');
    }
    const scope: IdempotencyScope = {
      apiKeyHash: request.user.apiKeyHash,
      method: request.method,
      path: request.path.slice(0, 400),
      key,
    };
    const status =
      this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    const response = context.switchToHttp().getResponse<Response>();
    return from(
      this.idempotency
        .run(scope, requestHash(request.body), status, () =>
          lastValueFrom(next.handle(), { defaultValue: undefined }),
        )
        .then((outcome) => {
          if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
          return outcome.body;
        }),
    );
  }
}
