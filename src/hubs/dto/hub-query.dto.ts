import { IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination/page.js';
import { IsCode } from '../../common/validation/codes.js';

/** A request about one hub's data: the hub code, or the default hub when absent. */
export class HubQuery {
  /** Hub code; the default hub when absent. */
  @IsOptional()
  @IsCode('hub code')
  hub?: string;
}

/** A page of something that belongs to a hub. */
export class HubPageQuery extends PageQuery {
  /** Hub code; the default hub when absent. */
  @IsOptional()
  @IsCode('hub code')
  hub?: string;
}
