import type { Action } from '../auth/permissions.js';
import { MessageKey } from './i18n.js';

export interface NavEntry {
  key: MessageKey;
  href: string;
  /** The page's action: the menu shows the page to those can() allows it. */
  action: Action;
}

export const NAV: NavEntry[] = [
  { key: 'nav.dashboard', href: '/app', action: 'hub.read' },
  { key: 'nav.stock', href: '/app/stock', action: 'hub.read' },
  { key: 'nav.newDispatch', href: '/app/dispatches/new', action: 'dispatch.record' },
  { key: 'nav.dispatches', href: '/app/dispatches', action: 'hub.read' },
  { key: 'nav.releases', href: '/app/releases', action: 'hub.read' },
  { key: 'nav.receipts', href: '/app/receipts', action: 'hub.read' },
  { key: 'nav.adjustments', href: '/app/adjustments', action: 'stock.record' },
  { key: 'nav.reports', href: '/app/reports', action: 'hub.read' },
  { key: 'nav.energy', href: '/app/energy', action: 'hub.read' },
  { key: 'nav.audit', href: '/app/audit', action: 'audit.read' },
  // Bull Board, outside the web app's layout (admins).
  { key: 'nav.queues', href: '/app/admin/queues', action: 'ops.read' },
];
