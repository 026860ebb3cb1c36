import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { textProblem } from '../validation/safe-input.js';

// Described explicitly: the swagger compiler plugin reads only *.dto.ts files, so a list's
// `limit` and `cursor` were missing from the OpenAPI document.
export class PageQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 500,
    default: 50,
    description: 'How many items, 1 to 500',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ maxLength: 400, description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type CursorValue = string | number;

function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, arity: number): CursorValue[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every(
        (v) =>
          (typeof v === 'string' && textProblem(v) === null) ||
          (typeof v === 'number' && Number.isFinite(v)),
      )
    ) {
      return values as CursorValue[];
    }
  } catch {
    // fall through to the error below
  }
  throw new BadRequestException('cursor is not one this API gave out');
}

/**
 * Keyset pagination: `keys` are the ORDER BY columns (unique together, one direction), `keyOf`
 * reads the same values off a row. Fetches one row more than asked to know whether more follow.
 */
export async function paginate<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  page: PageQuery,
  keys: string[],
  direction: 'ASC' | 'DESC',
  keyOf: (row: T) => CursorValue[],
): Promise<Page<T>> {
  if (page.cursor) {
    const values = decodeCursor(page.cursor, keys.length);
    const params = Object.fromEntries(values.map((v, i) => [`cursor${i}`, v]));
    const placeholders = values.map((_, i) => `:cursor${i}`).join(', ');
    query.andWhere(
      `(${keys.join(', ')}) ${direction === 'ASC' ? '>' : '<'} (${placeholders})`,
      params,
    );
  }
  keys.forEach((key, i) =>
    i === 0 ? query.orderBy(key, direction) : query.addOrderBy(key, direction),
  );
  const rows = await query.limit(page.limit + 1).getMany();
  const items = rows.slice(0, page.limit);
  const nextCursor = rows.length > page.limit ? encodeCursor(keyOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}
