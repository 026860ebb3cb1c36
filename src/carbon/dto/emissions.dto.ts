import {
  DispatchStatsQuery,
  DestinationEmissions,
  EmissionMethods,
} from '../../stats/dto/stats.dto.js';

/** Same window as the dispatch statistics: `from`, `asOf`, `emergency`, `hub`. */
export class EmissionsQuery extends DispatchStatsQuery {}

/** What the hub's PV systems made in the same days, and the grid CO2 that kept away. */
export class SolarComparison {
  generatedKwh: number;
  /** generatedKwh x GRID_EMISSION_FACTOR_KG_PER_KWH. */
  co2AvoidedKg: number;
  /** Days whose readings wait for their rollup (0 when current). */
  pendingDays: number;
}

/** The factors in force now (those of new dispatches; each dispatch keeps its own figure). */
export class EmissionFactorsResponse {
  dieselCo2eKgPerL: number;
  roadCo2eKgPerTkm: number;
  gridEmissionFactorKgPerKwh: number;
}

export class EmissionStatsResponse {
  hub: string;
  from: string | null;
  asOf: string;
  emergency: string | null;
  /** Trucks not cancelled in the window, with or without a known distance. */
  trucks: number;
  tonneKm: number;
  /** kg CO2e the trucks emitted, well-to-wheel (ISO 14083 / GLEC). */
  co2eKg: number;
  /** co2eKg / tonneKm; null when no tonne-km. */
  intensityKgPerTkm: number | null;
  /** Largest emitter first. */
  byDestination: DestinationEmissions[];
  /** Trucks by method: fuel-based, default intensity, or unknown (no distance). */
  byMethod: EmissionMethods;
  /** The hub's solar plant over the same days (every emergency: the plant serves the hub). */
  solar: SolarComparison;
  /** Transport emitted minus solar avoided, kg. */
  netCo2eKg: number;
  factors: EmissionFactorsResponse;
  /** Dispatch changes the figures do not include yet; 0 when current. */
  pendingEvents: number;
}
