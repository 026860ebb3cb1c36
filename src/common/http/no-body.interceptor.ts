import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

/** Whether each handler reads its body (`@Body()`), from the metadata Nest routes it by. */
const readsBody = new WeakMap<object, boolean>();

function takesBody(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let takes = readsBody.get(handler);
  if (takes === undefined) {
    const args: Record<string, unknown> =
      Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
    // keys are "<paramtype>:<index>"; custom decorators (@CurrentUser) have keys of their own
    takes = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
    readsBody.set(handler, takes);
  }
  return takes;
}

/** No body, or the empty JSON object that some clients send with every POST. */
function isEmpty(body: unknown): boolean {
  if (body === undefined || body === '') return true;
  return (
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    Object.keys(body).length === 0 &&
    Object.getPrototypeOf(body) === Object.prototype
  );
}

/**
 * An API route that takes no body (rotate a key, revoke a user, rebuild the statistics, every
 * GET) refuses one with 400, as a DTO refuses an unknown field: a body sent there is a client's
 * mistake (the wrong route, or fields it believes are read), and it used to be ignored without a
 * word. No body, or `{}`, is fine. The web app's routes read their forms themselves (its guard
 * reads `_csrf` from the body of every POST), so only /api is checked.
 */
@Injectable()
export class NoBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      if (request.path.startsWith('/api/') && !isEmpty(request.body) && !takesBody(context)) {
        throw new BadRequestException(
          `${request.method} ${request.route?.path ?? request.path} takes no body: send none (or {})`,
        );
      }
    }
    return next.handle();
  }
}
