import { applyDecorators } from '@nestjs/common';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsName } from '../../common/validation/codes.js';
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
}

export class SetPasswordDto {
  /** 10 to 200 characters. Ends the user's web sessions. */
  @IsPassword()
  password: string;
}
