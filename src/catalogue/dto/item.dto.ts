import { OmitType, PartialType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCode, IsName, IsUnitMeasure } from '../../common/validation/codes.js';
import { Item } from '../item.entity.js';

export class CreateItemDto {
  @IsCode('SKU')
  sku: string;

  @IsName()
  name: string;

  @IsOptional()
  @IsName(64)
  category?: string;

  /** How a sitrep names several ("refugee housing units"); derived from the name when absent. */
  @IsOptional()
  @IsName()
  pluralName?: string;

  /** The unit quantities count: piece, set, roll, unit... */
  @IsName(32)
  unit: string;

  /** kg per unit, more than 0, up to 6 decimals. */
  @IsUnitMeasure()
  unitWeightKg: number;

  /** m3 per unit as packed, more than 0, up to 6 decimals. */
  @IsUnitMeasure()
  unitVolumeM3: number;
}

export class UpdateItemDto extends PartialType(OmitType(CreateItemDto, ['sku'] as const)) {}

export class ItemResponse {
  sku: string;
  name: string;
  category: string | null;
  pluralName: string | null;
  unit: string;
  unitWeightKg: number;
  unitVolumeM3: number;
  updatedAt: string;
}

export function mapItem(item: Item): ItemResponse {
  return {
    sku: item.sku,
    name: item.name,
    category: item.category,
    pluralName: item.pluralName,
    unit: item.unit,
    unitWeightKg: item.unitWeightKg,
    unitVolumeM3: item.unitVolumeM3,
    updatedAt: item.updatedAt.toISOString(),
  };
}
