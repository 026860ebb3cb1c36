import { Role } from '../auth/role.js';
import { MessageKey } from './i18n.js';

export interface NavEntry {
  key: MessageKey;
  href: string;
  /** Only for roles that record hub data: a coordinator is not shown forms that write. */
  writes?: boolean;
  /** false: the feature is being built elsewhere; the entry opens a "not available yet" page. */
  available: boolean;
}

/**
 * Features whose web pages come with their own issues (weekly reports: issue 5; solar energy:
 * issue 6). To wire one, give it a controller in this module and set `available: true` here;
 * UnavailableController serves the rest.
 */
export const UPCOMING = {
  reports: { key: 'nav.reports', href: '/app/reports', available: true },
  energy: { key: 'nav.energy', href: '/app/energy', available: false },
} satisfies Record<string, NavEntry>;

export const NAV: NavEntry[] = [
  { key: 'nav.dashboard', href: '/app', available: true },
  { key: 'nav.stock', href: '/app/stock', available: true },
  { key: 'nav.newDispatch', href: '/app/dispatches/new', writes: true, available: true },
  { key: 'nav.dispatches', href: '/app/dispatches', available: true },
  { key: 'nav.receipts', href: '/app/receipts', available: true },
  { key: 'nav.adjustments', href: '/app/adjustments', writes: true, available: true },
  UPCOMING.reports,
  UPCOMING.energy,
];

/** Roles that record hub data, as the API's @Roles(Role.Warehouse) routes allow. */
export const canWrite = (role: Role) => role === Role.Admin || role === Role.Warehouse;
