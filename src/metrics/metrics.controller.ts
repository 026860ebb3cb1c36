import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AlsoBearer, Can } from '../auth/auth.decorators.js';
import { ApiErrors, ApiReturns } from '../common/openapi/api-responses.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /**
   * Prometheus metrics: HTTP requests and durations by route and status, the outbox backlog and
   * fold lag, BullMQ jobs per queue and state, the last weekly report per hub, process metrics.
   * For a bearer METRICS_TOKEN when set, and for admins.
   */
  @ApiReturns('Prometheus text exposition format 0.0.4', { 'text/plain': 'text' })
  @ApiErrors(401, 403)
  @Get()
  @Can('ops.read')
  @AlsoBearer('METRICS_TOKEN')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
