import { IsOptional, Matches } from 'class-validator';
import { IsCode, IsName } from '../../common/validation/codes.js';
import { Destination } from '../destination.entity.js';

export class CreateDestinationDto {
  @IsCode()
  code: string;

  /** As a sentence prints it: "Kyrgyz Republic". */
  @IsName()
  name: string;

  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'iso2 must be two capital letters (ISO 3166-1 alpha-2)' })
  iso2?: string;
}

export class DestinationResponse {
  code: string;
  name: string;
  iso2: string | null;
}

export function mapDestination(destination: Destination): DestinationResponse {
  return { code: destination.code, name: destination.name, iso2: destination.iso2 };
}
