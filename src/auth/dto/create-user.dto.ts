import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { CODE_MAX_LENGTH, CODE_PATTERN, IsName } from '../../common/validation/codes.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password.js';
import { Role } from '../role.js';

/** A web app password: 10 to 200 characters, stored only as an argon2id hash. */
const IsPassword = () =>
  applyDecorators(
    IsString(),
    MinLength(MIN_PASSWORD_LENGTH, {
      message: `$property must be at least ${MIN_PASSWORD_LENGTH} characters`,
    }),
    MaxLength(MAX_PASSWORD_LENGTH),
  );

/** More hubs than a network has: a bound on the list, not a rule of the domain. */
export const MAX_USER_HUBS = 100;

/** The codes of the hubs a user belongs to: each once, at most 100. */
const IsHubCodes = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_USER_HUBS),
    ArrayUnique({ message: 'hubs must name each hub once' }),
    IsString({ each: true }),
    MaxLength(CODE_MAX_LENGTH, { each: true }),
    Matches(CODE_PATTERN, {
      each: true,
      message: '$property must list hub codes of letters, digits and . _ -',
    }),
  );

export class CreateUserDto {
  /** Unique: the name staff sign in with. */
  @IsName()
  name: string;

  @IsEnum(Role, { message: `role must be one of: ${Object.values(Role).join(', ')}` })
  role: Role;

  /** For signing in to the web app at /app; without it the user has only the API key. */
  @IsOptional()
  @IsPassword()
  password?: string;

  /**
   * Hub codes the user acts at. Warehouse: at least one (default: the default hub).
   * Coordinator: none or an empty list for a global coordinator who reads every hub. Admin: none
   * (an admin acts at every hub; a list is refused, 422).
   */
  @IsOptional()
  @IsHubCodes()
  hubs?: string[];
}

/** An admin's change to a user: role, hubs, or both (the rules of CreateUserDto's `hubs`). */
export class UpdateUserDto {
  @IsOptional()
  @IsEnum(Role, { message: `role must be one of: ${Object.values(Role).join(', ')}` })
  role?: Role;

  /** The whole new list (it replaces the old one). */
  @IsOptional()
  @IsHubCodes()
  hubs?: string[];
}

export class SetPasswordDto {
  /** 10 to 200 characters. Ends the user's web sessions. */
  @IsPassword()
  password: string;
}
