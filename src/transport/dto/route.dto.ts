import { IsOptional, Max, Min } from 'class-validator';
import { IsName } from '../../common/validation/codes.js';
import { IsDecimal } from '../../common/validation/numbers.js';
import { TransportRoute } from '../transport-route.entity.js';

export class PutRouteDto {
  /** Road distance from the hub to the destination's usual delivery point, km. */
  @IsDecimal(3)
  @Min(0.001)
  @Max(50_000)
  distanceKm: number;

  /** Where the figure comes from, e.g. "carrier's records, 2024"; none when absent. */
  @IsOptional()
  @IsName()
  basis?: string;
}

export class RouteResponse {
  hub: string;
  destination: string;
  destinationName: string;
  distanceKm: number;
  basis: string | null;
  updatedAt: string;
}

export type RouteView = TransportRoute & {
  hub: { code: string };
  destination: { code: string; name: string };
};

export function mapRoute(route: RouteView): RouteResponse {
  return {
    hub: route.hub.code,
    destination: route.destination.code,
    destinationName: route.destination.name,
    distanceKm: Number(route.distanceKm),
    basis: route.basis,
    updatedAt: route.updatedAt.toISOString(),
  };
}
