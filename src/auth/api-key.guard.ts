import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from './role.js';
import { UsersService } from './users.service.js';
import { AuthenticatedRequest, IS_PUBLIC, ROLES } from './auth.decorators.js';
import { bearerToken } from './bearer-token.js';

/**
 * Every route needs a valid, unrevoked API key unless marked @Public(). The key is looked up on
 * every request, so a revocation takes effect at once.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const apiKey = bearerToken(request);
    if (!apiKey) {
      throw new UnauthorizedException('An API key is required: send "Authorization: Bearer <key>"');
    }
    const user = await this.users.findActiveByApiKey(apiKey);
    if (!user) throw new UnauthorizedException('Unknown or revoked API key');
    request.user = user;

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (allowed && user.role !== Role.Admin && !allowed.includes(user.role)) {
      throw new ForbiddenException(
        `Role "${user.role}" may not do this; it needs ${[Role.Admin, ...allowed].join(' or ')}`,
      );
    }
    return true;
  }
}
