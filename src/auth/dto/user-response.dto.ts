import { Role } from '../role.js';
import { User } from '../user.entity.js';

export class UserResponse {
  id: string;
  name: string;
  role: Role;
  active: boolean;
  /** Whether the user can sign in to the web app. */
  hasPassword: boolean;
  createdAt: string;
  revokedAt: string | null;
}

/** Returned once, when a key is created or rotated: the only time the key is shown. */
export class UserWithKeyResponse {
  id: string;
  name: string;
  role: Role;
  apiKey: string;
}

export function mapUser(user: User): UserResponse {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    active: user.revokedAt === null,
    hasPassword: user.passwordChangedAt !== null,
    createdAt: user.createdAt.toISOString(),
    revokedAt: user.revokedAt?.toISOString() ?? null,
  };
}

export function mapUserWithKey(user: User, apiKey: string): UserWithKeyResponse {
  return { id: user.id, name: user.name, role: user.role, apiKey };
}
