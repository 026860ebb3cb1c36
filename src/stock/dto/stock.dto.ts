import { IsEnum, IsInt, IsOptional, Max, Min, NotEquals } from 'class-validator';
import { IsCode, IsName } from '../../common/validation/codes.js';
import { IsDay, IsInstant } from '../../common/validation/time.js';
import { HubPageQuery, HubQuery } from '../../hubs/dto/hub-query.dto.js';
import { AdjustmentReason, MovementType } from '../movement-type.js';
import { IsLines, LineDto, MAX_QUANTITY } from './line.dto.js';

export class StockQuery extends HubQuery {
  /** Levels at the end of that day (hub time), from the ledger. */
  @IsOptional()
  @IsDay()
  asOf?: string;
}

export class CoverageQuery extends HubQuery {
  /** A kit's code; every kit when absent. */
  @IsOptional()
  @IsCode('kit code')
  kit?: string;
}

export class MovementsQuery extends HubPageQuery {
  @IsOptional()
  @IsCode('SKU')
  sku?: string;

  @IsOptional()
  @IsEnum(MovementType)
  type?: MovementType;

  /** First day, hub time, inclusive. */
  @IsOptional()
  @IsDay()
  from?: string;

  /** Last day, hub time, inclusive. */
  @IsOptional()
  @IsDay()
  to?: string;
}

export class CreateReceiptDto {
  @IsOptional()
  @IsCode('hub code')
  hub?: string;

  /** The delivery note, transfer or donation reference. */
  @IsName()
  reference: string;

  /** When the goods arrived; now when absent. Up to 30 days back. */
  @IsOptional()
  @IsInstant()
  receivedAt?: string;

  /** Supplier, donor or sending hub. */
  @IsOptional()
  @IsName()
  source?: string;

  @IsLines()
  lines: LineDto[];
}

export class CreateAdjustmentDto {
  @IsOptional()
  @IsCode('hub code')
  hub?: string;

  @IsCode('SKU')
  sku: string;

  /** Units added (positive) or removed (negative); never zero. */
  @IsInt({ message: 'delta must be a whole number' })
  @NotEquals(0, { message: 'delta must not be zero' })
  @Min(-MAX_QUANTITY)
  @Max(MAX_QUANTITY)
  delta: number;

  @IsEnum(AdjustmentReason, {
    message: `reason must be one of: ${Object.values(AdjustmentReason).join(', ')}`,
  })
  reason: AdjustmentReason;

  @IsOptional()
  @IsName(2000)
  note?: string;
}
