import { IsIn, IsOptional } from 'class-validator';
import { IsCode } from '../../common/validation/codes.js';
import { IsDay } from '../../common/validation/time.js';
import { HubQuery } from '../../hubs/dto/hub-query.dto.js';
import { DestinationStats, ItemStats } from '../../stats/dto/stats.dto.js';

export class RequestWeeklyReportDto {
  @IsOptional()
  @IsCode('hub code')
  hub?: string;

  /** A Monday; the last full week when absent. */
  @IsOptional()
  @IsDay()
  weekStart?: string;
}

export const REPORT_FORMATS = ['json', 'md', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class WeeklyReportQuery extends HubQuery {
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export interface WeeklyReportContent {
  hub: string;
  hubName: string;
  weekStart: string;
  weekEnd: string;
  trucks: number;
  tonnes: number;
  volumeM3: number;
  destinations: DestinationStats[];
  items: ItemStats[];
  previousWeek: { trucks: number; tonnes: number };
  cumulative: { trucks: number; tonnes: number; summary: string };
  dispatches: {
    waybillNo: string;
    dispatchedAt: string;
    destination: string;
    truckPlate: string;
    tonnes: number;
  }[];
  stock: { sku: string; onHand: number }[];
  chart: { weekStart: string; tonnes: number }[];
  /** The hub's PV systems over the week; absent when the hub has none. */
  energy?: WeeklyEnergy;
}

export interface WeeklyEnergy {
  generatedKwh: number;
  co2AvoidedKg: number;
  systems: {
    system: string;
    generatedKwh: number;
    expectedKwh: number;
    underperforming: boolean;
    co2AvoidedKg: number;
    kwhPerTonneDispatched: number | null;
  }[];
}

export class ReportDelivery {
  status: string;
  attempts: number;
  deliveredAt: string | null;
  lastError: string | null;
}

export type WeeklyReportResponse = WeeklyReportContent & {
  generatedAt: string;
  version: number;
  delivery?: ReportDelivery;
};

export class WeeklyReportSummary {
  hub: string;
  weekStart: string;
  weekEnd: string;
  trucks: number;
  tonnes: number;
  generatedAt: string;
}

export class WeeklyReportAccepted {
  jobId: string;
  hub: string;
  weekStart: string;
  /** Poll this for the job's state. */
  jobUrl: string;
  /** The report, once built. */
  reportUrl: string;
}
