/**
 * THE transport-emission rule (ISO 14083:2023 / GLEC Framework v3), for a dispatch as it is
 * recorded (live or imported): exact decimals in millionths (src/common/decimal.ts), each figure
 * rounded once, half away from zero, to 6 decimals for storage.
 *
 * - fuel-based when the carrier reported the litres of the trip: litres x the diesel factor
 *   (well-to-wheel, kg CO2e per litre);
 * - otherwise the default method: tonne-km (the truck's tonnes x the distance) x a default
 *   well-to-wheel intensity (kg CO2e per tonne-km);
 * - none when no distance is known (neither given nor a route of the hub to the destination).
 */
import { microToString, toMicro } from './decimal.js';

const ONE = 1_000_000n;
const KG_PER_TONNE = 1000n;

export type EmissionMethod = 'fuel' | 'default';

/** The two factors, as configured (numbers or decimal strings). */
export interface EmissionFactors {
  dieselCo2eKgPerL: number | string;
  roadCo2eKgPerTkm: number | string;
}

export interface EmissionInput {
  /** The truck's tonnage in kg (weighbridge, else the lines' weight). */
  tonnageKg: string;
  distanceKm: string | null;
  fuelLitres: string | null;
}

/** Stored with the dispatch, numeric strings with 6 decimals. */
export interface DispatchEmissions {
  distanceKm: string;
  tonneKm: string;
  co2eKg: string;
  method: EmissionMethod;
}

/** a / b rounded half away from zero (b > 0). */
export function divideRounded(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const q = (abs * 2n + b) / (2n * b);
  return negative ? -q : q;
}

/** A dispatch's emissions, or null when its distance is unknown. */
export function dispatchEmissions(
  input: EmissionInput,
  factors: EmissionFactors,
): DispatchEmissions | null {
  if (input.distanceKm === null) return null;
  const kg = toMicro(input.tonnageKg);
  const km = toMicro(input.distanceKm);
  // kg x km / 1000, in millionths: (kg/1e6) x (km/1e6) / 1000 x 1e6
  const tonneKm = divideRounded(kg * km, ONE * KG_PER_TONNE);
  let co2e: bigint;
  let method: EmissionMethod;
  if (input.fuelLitres !== null) {
    co2e = divideRounded(toMicro(input.fuelLitres) * toMicro(factors.dieselCo2eKgPerL), ONE);
    method = 'fuel';
  } else {
    // from the exact tonne-km, not the rounded one: one rounding only
    co2e = divideRounded(kg * km * toMicro(factors.roadCo2eKgPerTkm), ONE * ONE * KG_PER_TONNE);
    method = 'default';
  }
  return {
    distanceKm: microToString(km),
    tonneKm: microToString(tonneKm),
    co2eKg: microToString(co2e),
    method,
  };
}
