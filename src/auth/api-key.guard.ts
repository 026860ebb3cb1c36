import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { Environment } from '../config/environment.js';
import { UsersService } from './users.service.js';
import { ACTION, AuthenticatedRequest, BEARER_SETTING, IS_PUBLIC } from './auth.decorators.js';
import { Action, assertCan } from './permissions.js';
import { bearerToken, bearerTokenHash } from './bearer-token.js';
import { setRequestActor, setRequestCredential } from '../common/http/request-context.js';

/**
 * Every route needs a valid, unrevoked API key unless marked @Public(), and a user that may do
 * its @Can action. The key is looked up on every request (in a cache that every change of a user
 * clears in every process before the change is answered), so a revocation takes effect at once.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const apiKey = bearerToken(request);
    if (!apiKey) {
      throw new UnauthorizedException('An API key is required: send "Authorization: Bearer <key>"');
    }
    if (this.isRouteSecret(apiKey, context)) return true;
    const user = await this.users.findActiveByApiKeyHash(bearerTokenHash(request)!);
    if (!user) {
      setRequestCredential('key', apiKey);
      throw new UnauthorizedException('Unknown or revoked API key');
    }
    request.user = user;
    setRequestActor(user);

    const action = this.reflector.getAllAndOverride<Action | undefined>(ACTION, targets);
    // A route that forgot to say what it does is refused to all rather than open to all.
    if (!action) throw new ForbiddenException('This route declares no permission');
    assertCan(user, action);
    return true;
  }

  /** Whether the token is the secret of the route's @AlsoBearer setting (when that is set). */
  private isRouteSecret(token: string, context: ExecutionContext): boolean {
    const setting = this.reflector.getAllAndOverride<'METRICS_TOKEN' | undefined>(BEARER_SETTING, [
      context.getHandler(),
      context.getClass(),
    ]);
    const secret = setting && this.config.get(setting, { infer: true });
    if (!secret) return false;
    const [a, b] = [Buffer.from(token), Buffer.from(secret)];
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
