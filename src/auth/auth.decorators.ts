import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { Role } from './role.js';
import type { User } from './user.entity.js';

export const IS_PUBLIC = 'relief-hub:public';
export const ROLES = 'relief-hub:roles';

/** The route needs no API key (health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles (and admin, who may do everything) may call the route. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export type AuthenticatedRequest = Request & { user: User };

/** The user whose API key signed the request. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
