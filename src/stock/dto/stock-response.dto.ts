import type { KitCoverage, LimitingItem } from '../coverage.js';
import { Actor, mapActor } from '../../auth/dto/actor.dto.js';
import { AdjustmentReason, MovementType } from '../movement-type.js';
import { StockLevelView } from '../stock.service.js';
import { StockMovement } from '../stock-movement.entity.js';

export class StockLevelResponse implements StockLevelView {
  sku: string;
  name: string;
  unit: string;
  onHand: number;
  /** Promised to open release orders (on the day, for `asOf`). */
  reserved: number;
  /** onHand - reserved (never negative): what may be promised or dispatched without a release. */
  available: number;
  /** onHand x today's catalogue unit weight, 3 decimals. */
  weightKg: number;
  volumeM3: number;
}

export class StockResponse {
  hub: string;
  /** The day the levels are as of (end of day, hub time), or null for now. */
  asOf: string | null;
  items: StockLevelResponse[];
}

export class MovementResponse {
  id: string;
  sku: string;
  type: MovementType;
  /** Change to on-hand: negative when stock left (0 for TRANSIT_LOSS, RESERVED, RESERVATION_RELEASED). */
  quantity: number;
  /** Change to reserved: + RESERVED, - RESERVATION_RELEASED and dispatches against a release. */
  reservedQuantity: number;
  /** The release order whose reservation it changed. */
  releaseId: string | null;
  reason: AdjustmentReason | null;
  note: string | null;
  receiptId: string | null;
  dispatchId: string | null;
  damagedQuantity: number | null;
  missingQuantity: number | null;
  occurredAt: string;
  recordedAt: string;
  recordedBy: Actor;
}

export function mapMovement(movement: StockMovement): MovementResponse {
  return {
    id: movement.id,
    sku: movement.item.sku,
    type: movement.type,
    quantity: movement.quantity,
    reservedQuantity: movement.reservedQuantity,
    releaseId: movement.releaseId,
    reason: movement.reason,
    note: movement.note,
    receiptId: movement.receiptId,
    dispatchId: movement.dispatchId,
    damagedQuantity: movement.damagedQuantity,
    missingQuantity: movement.missingQuantity,
    occurredAt: movement.occurredAt.toISOString(),
    recordedAt: movement.recordedAt.toISOString(),
    recordedBy: mapActor(movement.recordedBy),
  };
}

export class AdjustmentResponse {
  id: string;
  hub: string;
  sku: string;
  delta: number;
  reason: AdjustmentReason;
  note: string | null;
  /** On hand after the adjustment. */
  onHand: number;
  occurredAt: string;
  recordedAt: string;
  recordedBy: Actor;
}

export class ReceiptLineResponse {
  sku: string;
  quantity: number;
}

export class ReceiptResponse {
  id: string;
  hub: string;
  reference: string;
  source: string | null;
  receivedAt: string;
  recordedAt: string;
  recordedBy: Actor;
  lines: ReceiptLineResponse[];
}

export class LimitingItemResponse implements LimitingItem {
  sku: string;
  name: string;
  /** Units available at the hub (on hand, less what is reserved once releases exist). */
  available: number;
  /** Units of it in one kit. */
  perKit: number;
  /** Households this item alone would cover: floor(available / perKit). */
  households: number;
}

export class KitCoverageResponse {
  hub: string;
  /** The kit's code. */
  kit: string;
  name: string;
  householdSize: number;
  /** The least, over the kit's components, of floor(available / per kit). */
  households: number;
  /** households x householdSize. */
  people: number;
  /** The components that set `households`, then the next two, fewest households first. */
  limitingItems: LimitingItemResponse[];
}

export class CoverageResponse {
  hub: string;
  /** Every kit, by code. */
  items: KitCoverageResponse[];
}

export function mapCoverage(hub: string, coverage: KitCoverage): KitCoverageResponse {
  return { hub, ...coverage };
}
