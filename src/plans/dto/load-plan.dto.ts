import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { IsDecimal } from '../../common/validation/numbers.js';
import { IsLines, ItemOrKitLineDto } from '../../stock/dto/line.dto.js';

export class TruckDto {
  /** Payload, kg (up to 3 decimals). */
  @ApiProperty({ example: 22000 })
  @IsDecimal(3)
  @Min(1)
  @Max(100_000)
  payloadKg: number;

  /** Usable volume, m3 (up to 3 decimals). */
  @ApiProperty({ example: 82 })
  @IsDecimal(3)
  @Min(0.001)
  @Max(1_000)
  volumeM3: number;
}

export class PlanLoadDto {
  /** 1 to 100 lines, `{ sku, quantity }` or `{ kit, quantity }`, each SKU or kit once. */
  @ApiProperty({
    type: [ItemOrKitLineDto],
    example: [
      { kit: 'HH-CRI-5', quantity: 1000 },
      { sku: 'CRI-RHU', quantity: 20 },
    ],
  })
  @IsLines(() => ItemOrKitLineDto)
  lines: ItemOrKitLineDto[];

  /** The truck to plan with; a standard semi-trailer (22,000 kg, 82 m3) when absent. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TruckDto)
  truck?: TruckDto;
}

export class LoadFactorResponse {
  /** Weight over the truck's payload. */
  weight: number;
  /** Volume over the truck's capacity. */
  volume: number;
}

export class PlanLineResponse {
  sku: string;
  quantity: number;
}

export class PlanKitResponse {
  code: string;
  /** Whole kits on this truck. */
  quantity: number;
}

export class TruckLoadResponse {
  /** What goes on this truck, per SKU (kits counted in through their components). */
  lines: PlanLineResponse[];
  /** Whole kits on this truck. */
  kits: PlanKitResponse[];
  weightKg: number;
  volumeM3: number;
  loadFactor: LoadFactorResponse;
}

export class TruckResponse {
  payloadKg: number;
  volumeM3: number;
}

export class LoadPlanResponse {
  /** Trucks the plan uses: never below `lowerBound`. */
  trucks: number;
  /** The larger of total weight / payload and total volume / capacity, rounded up. */
  lowerBound: number;
  /** Which of the two sets `lowerBound`: weight for dense goods, volume for bulky ones. */
  bindingConstraint: 'weight' | 'volume';
  tonnes: number;
  weightKg: number;
  volumeM3: number;
  truck: TruckResponse;
  /** The plan in a sentence: the trucks, the bound and what binds. */
  note: string;
  loads: TruckLoadResponse[];
}
