import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment.js';
import { QueueName } from './jobs.constants.js';
import { JobsService } from './jobs.service.js';
import { redisOptions } from './redis-connection.js';
import { RedisStateService } from './redis-state.service.js';

const queues = Object.values(QueueName).map((name) => ({ name }));

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        connection: redisOptions(config.get('REDIS_URL', { infer: true })),
        prefix: config.get('REDIS_PREFIX', { infer: true }),
      }),
    }),
    BullModule.registerQueue(...queues),
    DiscoveryModule,
  ],
  providers: [JobsService, RedisStateService],
  exports: [BullModule, JobsService],
})
export class JobsModule {}
