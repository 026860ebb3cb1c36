import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators.js';
import { RedisHealthIndicator } from './redis.health.js';
import { ApiPublic } from '../common/openapi/api-responses.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** Database, Redis and queue backlog; 503 when a dependency is down. No API key needed. */
  @ApiPublic()
  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1500 }),
      () => this.redis.ping('redis'),
      () => this.redis.backlog('queues'),
    ]);
  }
}
