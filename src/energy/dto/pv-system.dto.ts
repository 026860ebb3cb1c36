import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, Max, Min } from 'class-validator';
import { IsCode, IsName } from '../../common/validation/codes.js';
import { IsDecimal } from '../../common/validation/numbers.js';
import { IsDay } from '../../common/validation/time.js';
import { roundMicro } from '../../common/decimal.js';
import { profileMicro } from '../expected-yield.js';
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

/** What an admin may change of a PV system; absent fields stay as they are. */
export class UpdatePvSystemDto {
  @IsOptional()
  @IsName()
  name?: string;

  /** Peak power at standard test conditions, kWp. */
  @IsOptional()
  @IsDecimal(3)
  @Min(0.001)
  @Max(10_000_000)
  capacityKwp?: number;

  /** The performance ratio the plant should reach (IEC 61724): expected = P x irradiation x this. */
  @IsOptional()
  @IsDecimal(4)
  @Min(0.01)
  @Max(1)
  targetPerformanceRatio?: number;

  /**
   * The year's expected yield by month, January first: 12 shares of up to 6 decimals summing to
   * 1 (within 0.001); null goes back to the default (Termez's irradiation shape).
   */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(12)
  @ArrayMaxSize(12)
  @IsDecimal(6, { each: true })
  @Min(0, { each: true })
  @Max(1, { each: true })
  monthlyProfile?: number[] | null;
}

export class PvSystemResponse {
  code: string;
  hub: string;
  name: string;
  capacityKwp: number;
  commissionedOn: string | null;
  /** Target performance ratio (default 0.8). */
  targetPerformanceRatio: number;
  /** 12 monthly shares of the year's yield, January first (the default profile when not set). */
  monthlyProfile: number[];
  /** Whether `monthlyProfile` is the system's own (else the default). */
  ownMonthlyProfile: boolean;
  createdAt: string;
}

export function mapPvSystem(system: PvSystem & { hub: { code: string } }): PvSystemResponse {
  return {
    code: system.code,
    hub: system.hub.code,
    name: system.name,
    capacityKwp: Number(system.capacityKwp),
    commissionedOn: system.commissionedOn,
    targetPerformanceRatio: Number(system.targetPerformanceRatio),
    monthlyProfile: profileMicro(system.monthlyProfile).map((share) => roundMicro(share, 6)),
    ownMonthlyProfile: system.monthlyProfile !== null,
    createdAt: system.createdAt.toISOString(),
  };
}
