import { ApiProperty, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { roundMicro, toMicro } from '../../common/decimal.js';
import { IsCode, IsName } from '../../common/validation/codes.js';
import type { KitView } from '../kit-view.js';

export const MAX_KIT_COMPONENTS = 50;
/** Units of one item in one kit: a kit is what one household receives. */
export const MAX_PER_KIT = 10_000;
/** People one kit serves, when not said: UNHCR's usual planning family of 5. */
export const DEFAULT_HOUSEHOLD_SIZE = 5;

export class KitComponentDto {
  @IsCode('SKU')
  sku: string;

  /** Units of the item in one kit, 1 to 10,000. */
  @IsInt({ message: '$property must be a whole number' })
  @Min(1)
  @Max(MAX_PER_KIT)
  quantity: number;
}

export class CreateKitDto {
  @ApiProperty({ example: 'HH-CRI-7' })
  @IsCode('kit code')
  code: string;

  @ApiProperty({ example: 'Household CRI kit, family of 7' })
  @IsName()
  name: string;

  /** People one kit serves, 1 to 100; 5 when absent. */
  @ApiProperty({ required: false, example: 7, minimum: 1, maximum: 100, default: 5 })
  @IsOptional()
  @IsInt({ message: '$property must be a whole number' })
  @Min(1)
  @Max(100)
  householdSize?: number;

  /** 1 to 50 items, each SKU once. */
  @ApiProperty({
    type: [KitComponentDto],
    example: [
      { sku: 'CRI-FAMILY-TENT', quantity: 1 },
      { sku: 'CRI-BLANKET-HT', quantity: 7 },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_KIT_COMPONENTS)
  @ArrayUnique((c: { sku?: unknown }) => c?.sku, {
    message: 'each SKU may appear once in a kit',
  })
  @ValidateNested({ each: true })
  @Type(() => KitComponentDto)
  components: KitComponentDto[];
}

/** Any of name, householdSize and components (the whole new composition). */
export class UpdateKitDto extends PartialType(
  PickType(CreateKitDto, ['name', 'householdSize', 'components'] as const),
) {}

export class KitComponentResponse {
  sku: string;
  name: string;
  /** Units of the item in one kit. */
  quantity: number;
}

export class KitResponse {
  code: string;
  name: string;
  householdSize: number;
  /** The composition's version: 1 when created, one more at each change of components. */
  version: number;
  components: KitComponentResponse[];
  /** One kit's weight and volume, from today's catalogue (3 decimals). */
  weightKg: number;
  volumeM3: number;
  updatedAt: string;
}

/** The response for a kit: its composition and what one kit weighs and measures today. */
export function mapKit(kit: KitView): KitResponse {
  const sum = (pick: (c: KitView['components'][number]) => string) =>
    kit.components.reduce((total, c) => total + BigInt(c.quantity) * toMicro(pick(c)), 0n);
  return {
    code: kit.code,
    name: kit.name,
    householdSize: kit.householdSize,
    version: kit.version,
    components: kit.components.map((c) => ({ sku: c.sku, name: c.name, quantity: c.quantity })),
    weightKg: roundMicro(sum((c) => c.unitWeightKg)),
    volumeM3: roundMicro(sum((c) => c.unitVolumeM3)),
    updatedAt: kit.updatedAt.toISOString(),
  };
}
