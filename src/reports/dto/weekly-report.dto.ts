import { PipelineGroupResponse } from '../../releases/dto/release-response.dto.js';
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

export const REPORT_FORMATS = ['json', 'md', 'csv', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class WeeklyReportQuery extends HubQuery {
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class WeekFigures {
  trucks: number;
  tonnes: number;
}

export class CumulativeFigures {
  trucks: number;
  tonnes: number;
  /** The sitrep sentence, to the week's end. */
  summary: string;
}

export class WeeklyDispatch {
  waybillNo: string;
  /** ISO 8601 in hub time. */
  dispatchedAt: string;
  /** Destination code. */
  destination: string;
  truckPlate: string;
  tonnes: number;
  /**
   * The truck's own distance, km, and kg CO2e well-to-wheel; null when no distance is known
   * (absent from reports built before transport emissions).
   */
  distanceKm?: number | null;
  co2eKg?: number | null;
}

export class StockOnHand {
  sku: string;
  /** The item's name and unit (absent from reports built before they were kept). */
  name?: string;
  unit?: string;
  onHand: number;
}

/** Households one kit's worth of the stock at the week's end covers. */
export class WeeklyCoverage {
  kit: string;
  name: string;
  households: number;
  people: number;
  /** Names of the items that set the number (run out first). */
  limitingItems: string[];
}

export class WeekTonnes {
  /** Monday, YYYY-MM-DD. */
  weekStart: string;
  tonnes: number;
}

export class WeeklyEnergySystem {
  system: string;
  generatedKwh: number;
  expectedKwh: number;
  /** Readings in the week: 0 is "no readings", never "underperforming". */
  readings: number;
  /** More than 20 % short of expectedKwh; null when the week has no readings. */
  underperforming: boolean | null;
  co2AvoidedKg: number;
  kwhPerTonneDispatched: number | null;
}

export class WeeklyEnergy {
  generatedKwh: number;
  co2AvoidedKg: number;
  systems: WeeklyEnergySystem[];
}

export class WeeklyCarbonDestination {
  code: string;
  name: string;
  trucks: number;
  tonneKm: number;
  co2eKg: number;
}

/** Transport emitted against solar avoided over the week (GET /api/stats/emissions). */
export class WeeklyCarbon {
  /** kg CO2e the week's trucks emitted, well-to-wheel. */
  co2eKg: number;
  tonneKm: number;
  intensityKgPerTkm: number | null;
  /** Largest emitter first. */
  destinations: WeeklyCarbonDestination[];
  /** Trucks by method: fuel-based, default intensity, unknown distance. */
  byMethod: { fuel: number; default: number; unknown: number };
  solarGeneratedKwh: number;
  co2AvoidedKg: number;
  /** Transport minus avoided. */
  netCo2eKg: number;
}

/**
 * What open release orders promised and was not yet on the road at the end of the week
 * (GET /api/stats/pipeline?asOf=weekEnd, from the ledger).
 */
export class WeeklyPipeline {
  releases: number;
  tonnes: number;
  volumeM3: number;
  households: number;
  trucks: number;
  /** Per destination and emergency, largest tonnes first. */
  groups: PipelineGroupResponse[];
}

// Classes rather than interfaces, so that the OpenAPI document describes a report's JSON.
export class WeeklyReportContent {
  hub: string;
  hubName: string;
  /** Monday, YYYY-MM-DD. */
  weekStart: string;
  /** Sunday, YYYY-MM-DD. */
  weekEnd: string;
  trucks: number;
  tonnes: number;
  volumeM3: number;
  /** Households equipped by the week's trucks (kits dispatched); absent in reports built before kits. */
  households?: number;
  destinations: DestinationStats[];
  items: ItemStats[];
  previousWeek: WeekFigures;
  cumulative: CumulativeFigures;
  dispatches: WeeklyDispatch[];
  stock: StockOnHand[];
  /** Households the stock at the week's end covers, per kit; absent before kits were reported. */
  coverage?: WeeklyCoverage[];
  /** Tonnes per week, the last 12 weeks. */
  chart: WeekTonnes[];
  /** The hub's PV systems over the week; absent when the hub has none. */
  energy?: WeeklyEnergy;
  /** Transport emissions and the solar comparison; absent from reports built before it. */
  carbon?: WeeklyCarbon;
  /** Release orders' remaining promises at the week's end; absent from reports built before it. */
  pipeline?: WeeklyPipeline;
}

export class ReportDelivery {
  status: string;
  attempts: number;
  deliveredAt: string | null;
  lastError: string | null;
}

export class WeeklyReportResponse extends WeeklyReportContent {
  generatedAt: string;
  version: number;
  /** Only when REPORT_WEBHOOK_URL is set: how the report's delivery went. */
  delivery?: ReportDelivery;
}

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

export class ReportJobState {
  jobId: string;
  /** waiting, active, completed or failed. */
  state: string;
  /** Why, when the job failed. */
  failedReason?: string;
}
