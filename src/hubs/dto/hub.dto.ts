import { IsLatitude, IsLongitude, IsOptional, IsTimeZone, Matches } from 'class-validator';
import { IsName } from '../../common/validation/codes.js';
import { Hub } from '../hub.entity.js';

export class CreateHubDto {
  @Matches(/^[A-Z0-9_-]{1,64}$/, { message: 'code must be 1-64 capital letters, digits, _ or -' })
  code: string;

  @IsName()
  name: string;

  /** How a sentence names it: "the Termez hub". Defaults to the name. */
  @IsOptional()
  @IsName()
  shortName?: string;

  /** IANA time zone, e.g. Asia/Tashkent: the hub's days and weeks follow it. */
  @IsTimeZone()
  timeZone: string;

  @IsOptional()
  @Matches(/^[A-Z]{2}$/, {
    message: 'countryCode must be two capital letters (ISO 3166-1 alpha-2)',
  })
  countryCode?: string;

  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @IsOptional()
  @IsLongitude()
  longitude?: number;
}

export class HubResponse {
  code: string;
  name: string;
  shortName: string;
  timeZone: string;
  countryCode: string | null;
  latitude: number | null;
  longitude: number | null;
}

export function mapHub(hub: Hub): HubResponse {
  return {
    code: hub.code,
    name: hub.name,
    shortName: hub.shortName,
    timeZone: hub.timeZone,
    countryCode: hub.countryCode,
    latitude: hub.latitude,
    longitude: hub.longitude,
  };
}
