import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCode } from '../../common/validation/codes.js';

export const MAX_QUANTITY = 1_000_000_000;
export const MAX_LINES = 100;

/** A whole number of the item's unit, 1 to 1,000,000,000. */
export const IsQuantity = (min = 1) =>
  applyDecorators(
    IsInt({ message: '$property must be a whole number' }),
    Min(min),
    Max(MAX_QUANTITY),
  );

export class LineDto {
  @IsCode('SKU')
  sku: string;

  @IsQuantity()
  quantity: number;
}

/** The property must be absent when `other` is given: a line names one thing. */
const IsAbsentWith = (other: string) =>
  ValidateBy({
    name: 'isAbsentWith',
    validator: {
      validate: (_value, args) => (args?.object as Record<string, unknown>)[other] === undefined,
      defaultMessage: (args) => `a line names either ${args?.property} or ${other}, not both`,
    },
  });

/**
 * A line of items or of kits: `{ sku, quantity }` or `{ kit, quantity }` (expanded into the
 * kit's components by KitsService.expand()), never both.
 */
export class ItemOrKitLineDto {
  /** An item's SKU; a line gives either `sku` or `kit`. */
  @ValidateIf((line: ItemOrKitLineDto) => line.kit === undefined || line.sku !== undefined)
  @IsCode('SKU')
  @IsAbsentWith('kit')
  sku?: string;

  /** A kit's code (HH-CRI-5): that many kits, expanded into their components. */
  @ValidateIf((line: ItemOrKitLineDto) => line.sku === undefined)
  @IsCode('kit code')
  kit?: string;

  /** Units of the item, or kits. */
  @IsQuantity()
  quantity: number;
}

/** What makes a line unique in a list: its SKU, or its kit. */
const lineKey = (line: { sku?: unknown; kit?: unknown }) =>
  line?.sku !== undefined ? `sku:${String(line.sku)}` : `kit:${String(line?.kit)}`;

/** 1 to 100 lines, each SKU (or kit) once. */
export const IsLines = (type: () => new () => { sku?: string; kit?: string } = () => LineDto) =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_LINES),
    ArrayUnique(lineKey, {
      message: 'each SKU or kit may appear on one line only',
    }),
    ValidateNested({ each: true }),
    Type(type),
  );
