import { ForbiddenException } from '@nestjs/common';
import { Role } from './role.js';
import type { User } from './user.entity.js';

/**
 * What each role may do, written once. Admin may do everything and is not listed; an action with
 * no role is admin's alone. The API's guard, the web app's guard, its menu and its pages all ask
 * can(), so no other file restates a role rule.
 */
const ALLOWED = {
  /** A hub's stock and ledger, receipts, dispatches, statistics, weekly reports, energy. */
  'hub.read': [Role.Warehouse, Role.Coordinator],
  /** Items, destinations and the list of hubs: reference data every hub shares. */
  'catalogue.read': [Role.Warehouse, Role.Coordinator],
  /** Who one is (GET /api/users/me). */
  'account.read': [Role.Warehouse, Role.Coordinator],
  /** One's own web app password (users.service lets only an admin set another's). */
  'account.password': [Role.Warehouse, Role.Coordinator],
  /** Receipts and adjustments. */
  'stock.record': [Role.Warehouse],
  /** Dispatches, historical imports, cancellations and deliveries. */
  'dispatch.record': [Role.Warehouse],
  /** Meter readings of a hub's PV systems. */
  'energy.record': [Role.Warehouse],
  /** Load plans: trucks for goods (records nothing). */
  'plan.load': [Role.Warehouse, Role.Coordinator],
  /** Release orders: creating them (reserving stock) and cancelling them. */
  'release.manage': [Role.Coordinator],
  /** Building (or rebuilding) a week's report. */
  'report.build': [Role.Coordinator],
  /** Items and destinations. */
  'catalogue.manage': [],
  /** Kits: their composition and household size. */
  'kits.manage': [],
  'hubs.manage': [],
  /** PV systems. */
  'energy.manage': [],
  /** Road distances from a hub to its destinations (transport emissions). */
  'routes.manage': [],
  'stats.rebuild': [],
  /** Users, their keys and anyone's password. */
  'users.manage': [],
  /** The audit trail: who changed what, and refused writes. */
  'audit.read': [],
  /** Operations: GET /metrics (also to METRICS_TOKEN) and the queue dashboard. */
  'ops.read': [],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ALLOWED;

export const ACTIONS = Object.keys(ALLOWED) as Action[];

/** The roles that may do `action`, each once, admin first. */
export function rolesFor(action: Action): Role[] {
  return [Role.Admin, ...ALLOWED[action]];
}

/**
 * Who is asking: all can() needs of a user, their role and the codes of the hubs they belong to
 * (loaded with the user by the API key guard and the web session; absent means none).
 */
export type Permitted = Pick<User, 'role'> & { hubs?: readonly string[] };

/**
 * Whether `user` may do `action`, at `hub` (a hub code) when the action concerns one. Hub data is
 * read and written at a hub; reference data, users and keys are not.
 */
export function can(user: Permitted, action: Action, hub?: string): boolean {
  return roleMay(user, action) && (hub === undefined || actsAt(user, hub));
}

/** The 403 of a user at a hub they do not act at: it names the hub (SPEC). */
export class HubForbidden extends ForbiddenException {
  constructor(readonly hub: string) {
    super(`You do not act at hub ${hub}`);
  }
}

/** Throws the 403 the API and the web app answer when can() says no. */
export function assertCan(user: Permitted, action: Action, hub?: string): void {
  if (!roleMay(user, action)) {
    throw new ForbiddenException(
      `Role "${user.role}" may not do this; it needs ${rolesFor(action).join(' or ')}`,
    );
  }
  if (hub !== undefined && !actsAt(user, hub)) {
    throw new HubForbidden(hub);
  }
}

function roleMay(user: Permitted, action: Action): boolean {
  return user.role === Role.Admin || (ALLOWED[action] as readonly Role[]).includes(user.role);
}

/**
 * Whether the user acts at the hub (SPEC "Hubs a user may act at"): an admin everywhere, a
 * coordinator with no hubs (a global one) everywhere, anyone else at the hubs they belong to.
 * A user whose hubs were not loaded acts nowhere but as an admin: fail closed, never open.
 */
export function actsAt(user: Permitted, hub: string): boolean {
  if (user.role === Role.Admin) return true;
  if (!user.hubs) return false;
  if (user.role === Role.Coordinator && user.hubs.length === 0) return true;
  return user.hubs.includes(hub);
}

/** Whether the user acts at every hub: admins and global coordinators. */
export function actsEverywhere(user: Permitted): boolean {
  return user.role === Role.Admin || (user.role === Role.Coordinator && user.hubs?.length === 0);
}
