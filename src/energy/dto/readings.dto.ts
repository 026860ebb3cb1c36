import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCode } from '../../common/validation/codes.js';
import { IsDecimal } from '../../common/validation/numbers.js';
import { IsInstant } from '../../common/validation/time.js';
import { MAX_IRRADIATION_KWH_M2, MAX_KWH, MAX_READINGS } from '../reading-rules.js';

/** An amount metered over the interval: not negative, at most 6 decimals. */
const IsAmount = (max: number) => applyDecorators(IsDecimal(6), Min(0), Max(max));

export class ReadingDto {
  /** Start of the metered interval, ISO 8601 with offset; with the system, the reading's key. */
  @IsInstant()
  start: string;

  /** End of the interval (after start, at most 25 hours later). */
  @IsInstant()
  end: string;

  /** PV energy generated (AC), kWh. */
  @IsAmount(MAX_KWH)
  generatedKwh: number;

  /** Site load, kWh. */
  @IsOptional()
  @IsAmount(MAX_KWH)
  consumedKwh?: number;

  @IsOptional()
  @IsAmount(MAX_KWH)
  gridImportKwh?: number;

  /** PV energy fed into the grid, kWh. */
  @IsOptional()
  @IsAmount(MAX_KWH)
  exportedKwh?: number;

  /** Irradiation on the plane of the array over the interval, kWh/m2. */
  @IsOptional()
  @IsAmount(MAX_IRRADIATION_KWH_M2)
  irradiationKwhM2?: number;
}

export class RecordReadingsDto {
  /** PV system code, e.g. TMZ-PV-1. */
  @IsCode('system code')
  system: string;

  /** 1 to 10,000 readings. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_READINGS)
  @ValidateNested({ each: true })
  @Type(() => ReadingDto)
  readings: ReadingDto[];
}

export class SystemReadingsResponse {
  system: string;
  received: number;
  /** New readings, and readings that replaced one with the same start. */
  inserted: number;
  replaced: number;
  /** First and last hub day the readings start on. */
  from: string;
  to: string;
}

export class ReadingsResponse {
  received: number;
  inserted: number;
  replaced: number;
  systems: SystemReadingsResponse[];
}
