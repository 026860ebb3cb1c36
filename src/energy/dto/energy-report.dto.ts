import { IsEnum, IsOptional } from 'class-validator';
import { IsCode } from '../../common/validation/codes.js';
import { IsDay } from '../../common/validation/time.js';
import { PeriodKpis } from '../energy-kpis.js';
import { EnergyInterval } from '../report-periods.js';

export class EnergyReportQuery {
  /** PV system code, e.g. TMZ-PV-1. */
  @IsCode('system code')
  system: string;

  /** day (default), week (Monday to Sunday) or month, in hub time. */
  @IsOptional()
  @IsEnum(EnergyInterval, { message: 'interval must be one of: day, week, month' })
  interval: EnergyInterval = EnergyInterval.Day;

  /** First day (hub time); the report holds every whole period touching from..to. */
  @IsOptional()
  @IsDay()
  from?: string;

  /** Last day (hub time), inclusive; today by default. */
  @IsOptional()
  @IsDay()
  to?: string;
}

export class EnergyReportItem implements PeriodKpis {
  /** First and last day of the calendar period (YYYY-MM-DD). */
  periodStart: string;
  periodEnd: string;
  /** Days of the period counted: from commissioning, up to today. */
  days: number;
  readings: number;
  generatedKwh: number;
  specificYieldKwhPerKwp: number;
  capacityFactor: number;
  performanceRatio: number | null;
  selfConsumption: number | null;
  selfSufficiency: number | null;
  co2AvoidedKg: number;
  tonnesDispatched: number;
  kwhPerTonneDispatched: number | null;
  expectedKwh: number;
  /** `irradiation` (every reading carried it: P x H x target PR) or `profile` (monthly shares). */
  expectedBasis: 'irradiation' | 'profile';
  /** Generation more than 20 % short of `expectedKwh`; null when the period has no readings. */
  underperforming: boolean | null;
}

export class EnergyReportResponse {
  system: string;
  hub: string;
  interval: EnergyInterval;
  from: string;
  to: string;
  capacityKwp: number;
  emissionFactorKgPerKwh: number;
  expectedSpecificYieldKwhPerKwpYear: number;
  /** The system's target performance ratio, for the expectation from irradiation. */
  targetPerformanceRatio: number;
  /** The system's 12 monthly shares of the year's yield (January first). */
  monthlyProfile: number[];
  /** Days of the report whose readings changed and are not in the figures yet (0 when current). */
  pendingDays: number;
  items: EnergyReportItem[];
}
