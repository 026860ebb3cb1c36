import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Action } from './permissions.js';
import type { User } from './user.entity.js';

export const IS_PUBLIC = 'relief-hub:public';
export const ACTION = 'relief-hub:action';

/** The route needs no API key (health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * What the route does, for can() to allow or refuse: on a handler, or on a controller for its
 * handlers that declare none. The API's guard and the web app's guard both read it.
 */
export const Can = (action: Action) => SetMetadata(ACTION, action);

export const BEARER_SETTING = 'relief-hub:bearer-setting';

/**
 * Besides the API keys of users who may do the route's action, the route takes this setting's
 * secret as a bearer token when it is set (METRICS_TOKEN for Prometheus, which holds no user key).
 */
export const AlsoBearer = (setting: 'METRICS_TOKEN') => SetMetadata(BEARER_SETTING, setting);

export type AuthenticatedRequest = Request & { user: User };

/** The user whose API key signed the request. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
