import { IsEnum } from 'class-validator';
import { IsName } from '../../common/validation/codes.js';
import { Role } from '../role.js';

export class CreateUserDto {
  /** Unique: the name staff sign in with. */
  @IsName()
  name: string;

  @IsEnum(Role, { message: `role must be one of: ${Object.values(Role).join(', ')}` })
  role: Role;
}
