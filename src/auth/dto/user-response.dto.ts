import { Role } from '../role.js';
import { User } from '../user.entity.js';

/**
 * The hub codes a user belongs to, as every response about users gives them: empty for an admin
 * and for a global coordinator, who act at every hub.
 */
const hubsOf = (user: User): string[] => user.hubs ?? [];

export class UserResponse {
  id: string;
  name: string;
  role: Role;
  /** Hub codes the user belongs to; empty for admins and global coordinators (every hub). */
  hubs: string[];
  active: boolean;
  /** Whether the user can sign in to the web app. */
  hasPassword: boolean;
  createdAt: string;
  revokedAt: string | null;
}

/** The caller, as GET /api/users/me shows it to any key. */
export class CurrentUserResponse {
  id: string;
  name: string;
  role: Role;
  /** Hub codes the user belongs to; empty for admins and global coordinators (every hub). */
  hubs: string[];
  /** Whether the user can sign in to the web app. */
  hasPassword: boolean;
  /** The web app's language as the user last chose it (`en`, `ru`, `uz`); null until they choose. */
  language: string | null;
}

/** Returned once, when a key is created or rotated: the only time the key is shown. */
export class UserWithKeyResponse {
  id: string;
  name: string;
  role: Role;
  /** Hub codes the user belongs to; empty for admins and global coordinators (every hub). */
  hubs: string[];
  apiKey: string;
}

export function mapUser(user: User): UserResponse {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    hubs: hubsOf(user),
    active: user.revokedAt === null,
    hasPassword: user.passwordChangedAt !== null,
    createdAt: user.createdAt.toISOString(),
    revokedAt: user.revokedAt?.toISOString() ?? null,
  };
}

export function mapCurrentUser(user: User): CurrentUserResponse {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    hubs: hubsOf(user),
    hasPassword: user.passwordChangedAt !== null,
    language: user.language,
  };
}

export function mapUserWithKey(user: User, apiKey: string): UserWithKeyResponse {
  return { id: user.id, name: user.name, role: user.role, hubs: hubsOf(user), apiKey };
}
