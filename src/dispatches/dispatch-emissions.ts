import { ConfigService } from '@nestjs/config';
import { dispatchEmissions, EmissionFactors } from '../common/emissions.js';
import { Environment } from '../config/environment.js';
import { GIVEN_DISTANCE_BASIS, RouteDistance } from '../transport/routes.service.js';

/** What a dispatch stores of its transport emissions (numeric strings; nulls when unknown). */
export interface EmissionColumns {
  distanceKm: string | null;
  distanceBasis: string | null;
  fuelLitres: string | null;
  tonneKm: string | null;
  co2eKg: string | null;
  emissionMethod: 'fuel' | 'default' | null;
}

/** The configured factors (DIESEL_CO2E_KG_PER_L, ROAD_CO2E_KG_PER_TKM). */
export function emissionFactors(config: ConfigService<Environment, true>): EmissionFactors {
  return {
    dieselCo2eKgPerL: config.get('DIESEL_CO2E_KG_PER_L'),
    roadCo2eKgPerTkm: config.get('ROAD_CO2E_KG_PER_TKM'),
  };
}

/**
 * A dispatch's emissions as it is recorded: its own distance when given, else its hub's route to
 * the destination now; fuel-based when the carrier gave litres (src/common/emissions.ts).
 */
export function emissionColumns(
  tonnageKg: string,
  given: { distanceKm: string | null; fuelLitres: string | null },
  route: RouteDistance | undefined,
  factors: EmissionFactors,
): EmissionColumns {
  const distanceKm = given.distanceKm ?? route?.distanceKm ?? null;
  const distanceBasis = given.distanceKm !== null ? GIVEN_DISTANCE_BASIS : (route?.basis ?? null);
  const emissions = dispatchEmissions(
    { tonnageKg, distanceKm, fuelLitres: given.fuelLitres },
    factors,
  );
  return {
    distanceKm,
    distanceBasis,
    fuelLitres: given.fuelLitres,
    tonneKm: emissions?.tonneKm ?? null,
    co2eKg: emissions?.co2eKg ?? null,
    emissionMethod: emissions?.method ?? null,
  };
}
