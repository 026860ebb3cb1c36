import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
  NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { inTransaction, retryOnConflict } from '../../database/transaction.js';
import { AuthenticatedRequest } from '../auth/auth.decorators.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';
import { IDEMPOTENT } from './idempotent.decorator.js';
import { requestHash } from './request-hash.js';

type Scope = Pick<IdempotencyRecord, 'apiKeyHash' | 'method' | 'path' | 'key'>;

/** A 64-bit advisory lock id for a scope: held by the request that runs, for its transaction. */
function lockId(scope: Scope): string {
  const digest = createHash('sha256')
    .update(`${scope.apiKeyHash}\n${scope.method}\n${scope.path}\n${scope.key}`)
    .digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Idempotency-Key for every route marked @Idempotent(). The request runs in one transaction with
 * the record of its response, so a success is stored exactly when its writes commit, and a
 * failure stores nothing (a corrected retry with the same key runs). The key's advisory lock
 * makes a concurrent repeat answer 409 instead of running twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new BadRequestException('Idempotency-Key must be one header of 1 to 255 characters');
    }
    const scope: Scope = {
      apiKeyHash: request.user.apiKeyHash,
      method: request.method,
      path: request.path.slice(0, 400),
      key,
    };
    const status =
      this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.execute(scope, requestHash(request.body), status, next, response));
  }

  private async execute(
    scope: Scope,
    hash: string,
    status: number,
    next: CallHandler,
    response: Response,
  ): Promise<unknown> {
    const outcome = await retryOnConflict(
      () =>
        inTransaction(this.dataSource, async (manager) => {
          const [{ locked }] = await manager.query(
            'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
            [lockId(scope)],
          );
          if (!locked) {
            throw new ConflictException(
              'A request with this Idempotency-Key is still in flight; retry once it has finished',
            );
          }
          const stored = await manager.findOneBy(IdempotencyRecord, scope);
          if (stored) {
            if (stored.requestHash !== hash) {
              throw new UnprocessableEntityException(
                'This Idempotency-Key was already used with a different body',
              );
            }
            return { replayed: true, body: JSON.parse(stored.responseBody) as unknown };
          }
          const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await manager.insert(IdempotencyRecord, {
            ...scope,
            requestHash: hash,
            responseStatus: status,
            responseBody: JSON.stringify(body ?? null),
          });
          return { replayed: false, body };
        }),
      this.logger,
    );
    if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return outcome.body;
  }
}
