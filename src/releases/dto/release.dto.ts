import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination/page.js';
import { IsCode, IsName } from '../../common/validation/codes.js';
import { IsDay } from '../../common/validation/time.js';
import { HubQuery } from '../../hubs/dto/hub-query.dto.js';
import { IsLines, ItemOrKitLineDto } from '../../stock/dto/line.dto.js';
import { ReleaseStatus } from '../release-status.js';

export class CreateReleaseDto {
  @IsOptional()
  @IsCode('hub code')
  hub?: string;

  /** Destination code (AF, KG, ...). */
  @IsCode('destination code')
  destination: string;

  /** The emergency response the goods are committed to. */
  @IsOptional()
  @IsName()
  emergency?: string;

  /** The day the goods are needed by (YYYY-MM-DD). */
  @IsOptional()
  @IsDay()
  neededBy?: string;

  @IsOptional()
  @IsName(2000)
  note?: string;

  /**
   * 1 to 100 lines, `{ sku, quantity }` or `{ kit, quantity }`; kits are expanded into their
   * components at their composition of now, and every item is reserved (all or nothing).
   */
  @ApiProperty({
    type: [ItemOrKitLineDto],
    example: [
      { kit: 'HH-CRI-5', quantity: 200 },
      { sku: 'CRI-TARP-4X6', quantity: 100 },
    ],
  })
  @IsLines(() => ItemOrKitLineDto)
  lines: ItemOrKitLineDto[];
}

export class CancelReleaseDto {
  @IsName(2000)
  reason: string;
}

export class ReleasesQuery extends IntersectionType(HubQuery, PageQuery) {
  @IsOptional()
  @IsEnum(ReleaseStatus)
  status?: ReleaseStatus;

  @IsOptional()
  @IsCode('destination code')
  destination?: string;

  @IsOptional()
  @IsName()
  emergency?: string;
}
