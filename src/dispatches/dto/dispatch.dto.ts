import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsIn,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCode, IsName } from '../../common/validation/codes.js';
import { IsDecimal } from '../../common/validation/numbers.js';
import { IsDay, IsInstant } from '../../common/validation/time.js';
import { IsLines, IsQuantity, ItemOrKitLineDto, MAX_LINES } from '../../stock/dto/line.dto.js';
import { HubQuery } from '../../hubs/dto/hub-query.dto.js';
import { PageQuery } from '../../common/pagination/page.js';
import { IntersectionType } from '@nestjs/swagger';
import { DispatchStatus } from '../dispatch-status.js';

const PLATE = /^[\p{L}\p{N}][\p{L}\p{N} -]*$/u;
const plateMessage = '$property must be a plate of letters, digits, spaces and -';

export class CreateDispatchDto {
  @IsOptional()
  @IsCode('hub code')
  hub?: string;

  /** Given by the hub's paper waybill, or generated (TMZ-2024-000137); unique per hub. */
  @IsOptional()
  @IsCode('waybill number')
  waybillNo?: string;

  /** Destination code (AF, KG, ...). */
  @IsCode('destination code')
  destination: string;

  @IsName(32)
  @Matches(PLATE, { message: plateMessage })
  truckPlate: string;

  @IsOptional()
  @IsName(32)
  @Matches(PLATE, { message: plateMessage })
  trailerPlate?: string;

  @IsOptional()
  @IsName()
  driverName?: string;

  @IsOptional()
  @IsName(32)
  @Matches(/^\+?[0-9 ()-]{3,32}$/, { message: 'driverPhone must be a phone number' })
  driverPhone?: string;

  @IsOptional()
  @IsName()
  carrier?: string;

  @IsOptional()
  @IsName()
  consignee?: string;

  /** The emergency response this truck serves, as statistics group it. */
  @IsOptional()
  @IsName()
  emergency?: string;

  /** When the truck left; now when absent. Up to 30 days back. */
  @IsOptional()
  @IsInstant()
  dispatchedAt?: string;

  /** Net cargo weight from the weighbridge, kg; statistics count it as the truck's tonnage. */
  @IsOptional()
  @IsDecimal(3)
  @Min(0.001)
  @Max(100_000)
  cargoWeightKg?: number;

  /** Road distance of this trip, km; the hub's route to the destination when absent. */
  @IsOptional()
  @IsDecimal(3)
  @Min(0.001)
  @Max(50_000)
  distanceKm?: number;

  /** The carrier's diesel figure for this trip, litres: emissions are then fuel-based. */
  @IsOptional()
  @IsDecimal(3)
  @Min(0.001)
  @Max(1_000_000)
  fuelLitres?: number;

  /**
   * The release order (id) this truck loads against: its lines must be the release's items,
   * within what remains, and the stock comes out of its reservation. Without it only available
   * (unreserved) stock may be taken.
   */
  @IsOptional()
  @IsUUID('all', { message: 'release must be the id of a release order' })
  release?: string;

  /**
   * 1 to 100 lines, `{ sku, quantity }` or `{ kit, quantity }`; a kit is expanded into its
   * components at its composition of now, merged with item lines of the same SKU.
   */
  @IsLines(() => ItemOrKitLineDto)
  lines: ItemOrKitLineDto[];
}

export class CancelDispatchDto {
  @IsName(2000)
  reason: string;
}

export class DeliveryLineDto {
  @IsCode('SKU')
  sku: string;

  /** Arrived in good condition. */
  @IsQuantity(0)
  receivedQuantity: number;

  /** Arrived damaged (default 0). The rest of what was sent is missing. */
  @IsOptional()
  @IsQuantity(0)
  damagedQuantity?: number;
}

export class RecordDeliveryDto {
  @IsInstant()
  deliveredAt: string;

  /** Every line of the dispatch, once. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  @ArrayUnique((line: { sku?: unknown }) => line?.sku, {
    message: 'each SKU may appear on one line only',
  })
  @ValidateNested({ each: true })
  @Type(() => DeliveryLineDto)
  lines: DeliveryLineDto[];

  @IsOptional()
  @IsName(2000)
  note?: string;
}

/** The filters the dispatch list and the register export share. */
export class DispatchFilter extends HubQuery {
  @IsOptional()
  @IsCode('destination code')
  destination?: string;

  /** First day of dispatch, hub time, inclusive. */
  @IsOptional()
  @IsDay()
  from?: string;

  /** Last day of dispatch, hub time, inclusive. */
  @IsOptional()
  @IsDay()
  to?: string;
}

export class DispatchesQuery extends IntersectionType(DispatchFilter, PageQuery) {
  @IsOptional()
  @IsEnum(DispatchStatus)
  status?: DispatchStatus;

  @IsOptional()
  @IsName()
  emergency?: string;

  /** Only the dispatches loaded against this release order (id). */
  @IsOptional()
  @IsUUID('all', { message: 'release must be the id of a release order' })
  release?: string;
}

export class ExportQuery extends DispatchFilter {
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  format?: 'csv' | 'xlsx';
}
