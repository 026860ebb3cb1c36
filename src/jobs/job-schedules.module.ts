import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobSchedulesService } from './job-schedules.service.js';

/** Worker side: registers every feature's repeating jobs (see JobSchedulesService). */
@Module({ imports: [DiscoveryModule], providers: [JobSchedulesService] })
export class JobSchedulesModule {}
