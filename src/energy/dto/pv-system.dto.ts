import { IsOptional, Max, Min } from 'class-validator';
import { IsCode, IsName } from '../../common/validation/codes.js';
import { IsDecimal } from '../../common/validation/numbers.js';
import { IsDay } from '../../common/validation/time.js';
import { PvSystem } from '../pv-system.entity.js';

export class CreatePvSystemDto {
  /** Hub code; the default hub when absent. */
  @IsOptional()
  @IsCode('hub code')
  hub?: string;

  /** Unique across hubs, e.g. TMZ-PV-1. */
  @IsCode('system code')
  code: string;

  @IsName()
  name: string;

  /** Peak power at standard test conditions, kWp. */
  @IsDecimal(3)
  @Min(0.001)
  @Max(10_000_000)
  capacityKwp: number;

  /** First day the plant generates (hub time): reports expect nothing before it. */
  @IsOptional()
  @IsDay()
  commissionedOn?: string;
}

export class PvSystemResponse {
  code: string;
  hub: string;
  name: string;
  capacityKwp: number;
  commissionedOn: string | null;
  createdAt: string;
}

export function mapPvSystem(system: PvSystem & { hub: { code: string } }): PvSystemResponse {
  return {
    code: system.code,
    hub: system.hub.code,
    name: system.name,
    capacityKwp: Number(system.capacityKwp),
    commissionedOn: system.commissionedOn,
    createdAt: system.createdAt.toISOString(),
  };
}
