import { AuditRecord } from './audit/audit-record.entity.js';
import { UserHub } from './auth/user-hub.entity.js';
import { User } from './auth/user.entity.js';
import { Destination } from './catalogue/destination.entity.js';
import { Item } from './catalogue/item.entity.js';
import { Kit, KitComponent } from './catalogue/kit.entity.js';
import { IdempotencyRecord } from './common/idempotency/idempotency-record.entity.js';
import { DispatchKit } from './dispatches/dispatch-kit.entity.js';
import { DispatchLine } from './dispatches/dispatch-line.entity.js';
import { Dispatch } from './dispatches/dispatch.entity.js';
import { EnergyDay } from './energy/energy-day.entity.js';
import { EnergyReading } from './energy/energy-reading.entity.js';
import { PvSystem } from './energy/pv-system.entity.js';
import { Hub } from './hubs/hub.entity.js';
import { OutboxEvent } from './outbox/outbox-event.entity.js';
import { WeeklyReport } from './reports/weekly-report.entity.js';
import {
  DispatchItemMonthRollup,
  DispatchItemRollup,
  DispatchMonthRollup,
  DispatchRollup,
} from './stats/dispatch-rollup.entity.js';
import { Release, ReleaseCounter, ReleaseLine } from './releases/release.entity.js';
import { ReceiptLine } from './stock/receipt-line.entity.js';
import { Receipt } from './stock/receipt.entity.js';
import { StockLevel } from './stock/stock-level.entity.js';
import { StockMovement } from './stock/stock-movement.entity.js';
import { TransportRoute } from './transport/transport-route.entity.js';
import { WebSession } from './web/web-session.entity.js';

/** Every entity, listed once for the app module and the migration CLI alike. */
export const ENTITIES = [
  Hub,
  Item,
  Destination,
  User,
  IdempotencyRecord,
  StockLevel,
  StockMovement,
  Receipt,
  ReceiptLine,
  Dispatch,
  DispatchLine,
  OutboxEvent,
  DispatchRollup,
  DispatchItemRollup,
  WeeklyReport,
  WebSession,
  PvSystem,
  EnergyReading,
  EnergyDay,
  DispatchMonthRollup,
  DispatchItemMonthRollup,
  AuditRecord,
  UserHub,
  TransportRoute,
  Kit,
  KitComponent,
  DispatchKit,
  Release,
  ReleaseLine,
  ReleaseCounter,
];
