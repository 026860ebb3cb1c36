import { Module } from '@nestjs/common';
import { EnergyRollupService } from './energy-rollup.service.js';
import { EnergyProcessor } from './energy.processor.js';

/** Worker side of the energy figures: the processor that folds readings' outbox events. */
@Module({ providers: [EnergyProcessor, EnergyRollupService] })
export class EnergyWorkerModule {}
