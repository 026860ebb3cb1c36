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

/** 1 to 100 lines, each SKU once. */
export const IsLines = (type: () => new () => { sku: string } = () => LineDto) =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_LINES),
    ArrayUnique((line: { sku?: unknown }) => line?.sku, {
      message: 'each SKU may appear on one line only',
    }),
    ValidateNested({ each: true }),
    Type(type),
  );
