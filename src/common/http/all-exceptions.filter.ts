import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../errors/domain.error.js';
import { QueueUnavailableError } from '../errors/queue-unavailable.error.js';
import { formatBytes } from './body-limits.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  [detail: string]: unknown;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** body-parser's errors carry a `type`; their own messages are fine to show. */
interface BodyParserError {
  type: string;
  status?: number;
  message: string;
  limit?: number;
}

/** PostgreSQL errors a client's input can still cause if a check upstream missed it. */
const PG_CLIENT_ERRORS: Record<string, [number, string]> = {
  '23505': [409, 'That already exists'],
  '23503': [422, 'That refers to something that does not exist'],
  '23514': [422, 'That breaks a rule of the data'],
  '22001': [400, 'A value is too long'],
  '22003': [400, 'A number is out of range'],
  '22007': [400, 'A date or time is invalid'],
  '22008': [400, 'A date or time is out of range'],
  '22P02': [400, 'A value has the wrong format'],
  '40001': [503, 'The database was busy: please retry'],
  '40P01': [503, 'The database was busy: please retry'],
};

/**
 * One error shape for every failure, Nest's `{ statusCode, error, message, ...details }`: the
 * details of an HttpException body (row errors) pass through untouched; a broken rule
 * (DomainError) adds its `code` and its details (shortages).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const body = this.toBody(exception, request);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, request: Request): ErrorBody {
    // Nest wraps body-parser's errors in an HttpException; their cause says more.
    const bodyParserError = exception instanceof HttpException ? exception.cause : exception;
    if (isBodyParserError(bodyParserError)) {
      const error = bodyParserError;
      if (error.type === 'entity.too.large') {
        // Limits differ by route (body-limits.ts): name the route's.
        const limit = error.limit ? `${formatBytes(error.limit)} ` : '';
        return this.shape(
          413,
          `The request body is over the ${limit}limit of ${request.method} ${request.path}`,
        );
      }
      if (error.type === 'entity.parse.failed') {
        return this.shape(400, `Malformed JSON: ${error.message}`);
      }
      const status = error.status ?? 400;
      if (status < 500) return this.shape(status, error.message);
    }
    if (exception instanceof DomainError) {
      return {
        ...this.shape(exception.status, exception.message),
        code: exception.code,
        ...exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      if (typeof raw === 'string') return this.shape(status, raw);
      const { statusCode: _s, error, message, ...details } = raw as Record<string, unknown>;
      return {
        ...this.shape(status, (message as string | string[]) ?? exception.message),
        ...(typeof error === 'string' ? { error } : {}),
        ...details,
      };
    }
    if (exception instanceof QueueUnavailableError) {
      this.logger.warn(exception.message);
      return this.shape(503, 'The job queue is unavailable; retry shortly');
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string } | undefined)?.code ?? '';
      const known = PG_CLIENT_ERRORS[code];
      if (known) {
        this.logger.warn(
          `${request.method} ${request.url}: database refused (${code}): ${exception.message}`,
        );
        return this.shape(known[0], known[1]);
      }
    }
    this.logger.error(
      `${request.method} ${request.url} failed`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return this.shape(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  }

  private shape(statusCode: number, message: string | string[]): ErrorBody {
    return { statusCode, error: REASONS[statusCode] ?? 'Error', message };
  }
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return error instanceof Error && typeof (error as unknown as BodyParserError).type === 'string';
}
