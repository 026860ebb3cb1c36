import { IsIn, IsOptional } from 'class-validator';
import { IsName } from '../../common/validation/codes.js';
import { IsDay } from '../../common/validation/time.js';
import { HubQuery } from '../../hubs/dto/hub-query.dto.js';

export class DispatchStatsQuery extends HubQuery {
  /** Figures up to the end of this day, hub time; today when absent. */
  @IsOptional()
  @IsDay()
  asOf?: string;

  /** From the start of this day, hub time; since the first dispatch when absent. */
  @IsOptional()
  @IsDay()
  from?: string;

  /** Only dispatches for this emergency. */
  @IsOptional()
  @IsName()
  emergency?: string;
}

export class TimeseriesQuery extends HubQuery {
  @IsIn(['week', 'month'])
  interval: 'week' | 'month';

  /** First day, hub time; 12 periods before `to` when absent. */
  @IsOptional()
  @IsDay()
  from?: string;

  /** Last day, hub time; today when absent. */
  @IsOptional()
  @IsDay()
  to?: string;

  @IsOptional()
  @IsName()
  emergency?: string;
}

export class DestinationStats {
  code: string;
  name: string;
  trucks: number;
  tonnes: number;
  /** Households equipped: kits carried by those trucks. */
  households: number;
}

export class ItemStats {
  sku: string;
  name: string;
  quantity: number;
  tonnes: number;
}

export class DispatchStatsResponse {
  hub: string;
  from: string | null;
  asOf: string;
  emergency: string | null;
  trucks: number;
  tonnes: number;
  volumeM3: number;
  /** Households equipped: kits dispatched (each kit line's quantity), cancelled ones left out. */
  households: number;
  /** By tonnes, largest first. */
  destinations: DestinationStats[];
  /** By tonnes (lines' weight), largest first. */
  items: ItemStats[];
  firstDispatchAt: string | null;
  lastDispatchAt: string | null;
  /** Recorded changes the figures do not include yet; 0 when current. */
  pendingEvents: number;
  /** The sentence a situation report prints. */
  summary: string;
}

export class PeriodStats {
  periodStart: string;
  trucks: number;
  tonnes: number;
}

export class TimeseriesResponse {
  hub: string;
  interval: 'week' | 'month';
  from: string;
  to: string;
  items: PeriodStats[];
}

export class RebuildAccepted {
  jobId: string;
}

export class RebuildStatus {
  jobId: string;
  state: string;
  result?: unknown;
  failedReason?: string;
}

export class DestinationEmissions {
  code: string;
  name: string;
  trucks: number;
  tonneKm: number;
  /** kg CO2e, well-to-wheel. */
  co2eKg: number;
}

/** Trucks by how their emissions were computed. */
export class EmissionMethods {
  /** From the carrier's litres of diesel. */
  fuel: number;
  /** Tonne-km x the default intensity. */
  default: number;
  /** No distance known: no emissions counted. */
  unknown: number;
}

/** The transport half of GET /api/stats/emissions, as the rollups hold it. */
export interface TransportEmissions {
  trucks: number;
  tonneKm: number;
  co2eKg: number;
  /** Exact sums in millionths, for figures derived from them (net). */
  tonneKmMicro: bigint;
  co2eKgMicro: bigint;
  intensityKgPerTkm: number | null;
  byDestination: DestinationEmissions[];
  byMethod: EmissionMethods;
  pendingEvents: number;
}
