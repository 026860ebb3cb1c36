import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AuditModule } from './audit/audit.module.js';
import { AuditedExceptionsFilter } from './audit/audited-exceptions.filter.js';
import { AuthModule } from './auth/auth.module.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor.js';
import { NoBodyInterceptor } from './common/http/no-body.interceptor.js';
import { IdempotencyModule } from './common/idempotency/idempotency.module.js';
import { Environment } from './config/environment.js';
import { DatabaseModule } from './database/database.module.js';
import { ENTITIES } from './entities.js';
import { HealthModule } from './health/health.module.js';
import { HubsModule } from './hubs/hubs.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { JobSchedulesModule } from './jobs/job-schedules.module.js';
import { MaintenanceWorkerModule } from './jobs/maintenance-worker.module.js';
import { StockModule } from './stock/stock.module.js';
import { DispatchesModule } from './dispatches/dispatches.module.js';
import { PlansModule } from './plans/plans.module.js';
import { ReleasesModule } from './releases/releases.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { OutboxRelayModule } from './outbox/outbox-relay.module.js';
import { StatsWorkerModule } from './stats/stats-worker.module.js';
import { StatsModule } from './stats/stats.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { ReportsWorkerModule } from './reports/reports-worker.module.js';
import { ClockModule } from './common/clock.module.js';
import { QueueBoardModule } from './web/queue-board.module.js';
import { WebModule } from './web/web.module.js';
import { EnergyWorkerModule } from './energy/energy-worker.module.js';
import { EnergyModule } from './energy/energy.module.js';
import { TransportModule } from './transport/transport.module.js';
import { CarbonModule } from './carbon/carbon.module.js';
import { MetricsModule } from './metrics/metrics.module.js';

/** Modules every role needs: configuration, logging, database, queues (as producers). */
function coreModules(env: Environment, logger: PinoLogger) {
  return [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      skipProcessEnv: true,
      load: [() => ({ ...env })],
    }),
    // Nest's logs go through the request's logger, which httpLogger (mounted in app.factory) sets.
    LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true }),
    DatabaseModule.forRoot(env.DATABASE_URL, ENTITIES, env.DATABASE_POOL_SIZE),
    JobsModule,
    IdempotencyModule,
    OutboxModule,
    ClockModule,
    AuditModule,
  ];
}

/** What serves HTTP: the routes, with auth and one error shape. */
function apiModules() {
  return [
    HealthModule,
    AuthModule,
    HubsModule,
    CatalogueModule,
    StockModule,
    DispatchesModule,
    PlansModule,
    ReleasesModule,
    StatsModule,
    ReportsModule,
    WebModule,
    EnergyModule,
    TransportModule,
    CarbonModule,
    MetricsModule,
    QueueBoardModule,
  ];
}

/** The outbox relay, processors and schedulers: only in the worker and all roles. */
function workerModules() {
  return [
    OutboxRelayModule,
    JobSchedulesModule,
    MaintenanceWorkerModule,
    StatsWorkerModule,
    ReportsWorkerModule,
    EnergyWorkerModule,
  ];
}

@Module({})
export class AppModule {
  static forRole(env: Environment, logger: PinoLogger): DynamicModule {
    const serves = env.APP_ROLE !== 'worker';
    const works = env.APP_ROLE !== 'api';
    return {
      module: AppModule,
      imports: [
        ...coreModules(env, logger),
        ...(serves ? apiModules() : []),
        ...(works ? workerModules() : []),
      ],
      providers: serves
        ? [
            { provide: APP_GUARD, useClass: ApiKeyGuard },
            { provide: APP_FILTER, useClass: AuditedExceptionsFilter },
            // before idempotency: a refused body is never run, nor stored as a response
            { provide: APP_INTERCEPTOR, useClass: NoBodyInterceptor },
            { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
          ]
        : [],
    };
  }
}
