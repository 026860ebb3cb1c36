import { Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Environment } from '../config/environment.js';
import { JobName } from '../jobs/jobs.constants.js';
import { JobsService } from '../jobs/jobs.service.js';
import { EnergyRollupService } from './energy-rollup.service.js';
import { EnergyProcessor } from './energy.processor.js';

/** 02:15 at the default hub: after the day's last readings, before anyone reads the report. */
const NIGHTLY = '15 2 * * *';

@Injectable()
export class EnergyScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(EnergyScheduler.name);

  constructor(
    private readonly jobs: JobsService,
    private readonly config: ConfigService<Environment, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * The nightly rollup of every pending day catches up on readings whose job could not be
   * queued. Every worker registers the same scheduler: upserting it is idempotent.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const [hub] = await this.dataSource.query<{ time_zone: string }[]>(
        'SELECT time_zone FROM hub WHERE code = $1',
        [this.config.get('DEFAULT_HUB', { infer: true })],
      );
      await this.jobs.schedule(JobName.RollUpEnergy, NIGHTLY, hub?.time_zone ?? 'UTC', {});
    } catch (error) {
      this.logger.error(
        `Could not register the nightly energy rollup (Redis down?): ${(error as Error).message}`,
      );
    }
  }
}

@Module({ providers: [EnergyProcessor, EnergyRollupService, EnergyScheduler] })
export class EnergyWorkerModule {}
