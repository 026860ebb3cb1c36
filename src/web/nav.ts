import { Role } from '../auth/role.js';
import { MessageKey } from './i18n.js';

export interface NavEntry {
  key: MessageKey;
  href: string;
  /** Only for roles that record hub data: a coordinator is not shown forms that write. */
  writes?: boolean;
}

export const NAV: NavEntry[] = [
  { key: 'nav.dashboard', href: '/app' },
  { key: 'nav.stock', href: '/app/stock' },
  { key: 'nav.newDispatch', href: '/app/dispatches/new', writes: true },
  { key: 'nav.dispatches', href: '/app/dispatches' },
  { key: 'nav.receipts', href: '/app/receipts' },
  { key: 'nav.adjustments', href: '/app/adjustments', writes: true },
  { key: 'nav.reports', href: '/app/reports' },
  { key: 'nav.energy', href: '/app/energy' },
];

/** Roles that record hub data, as the API's @Roles(Role.Warehouse) routes allow. */
export const canWrite = (role: Role) => role === Role.Admin || role === Role.Warehouse;
