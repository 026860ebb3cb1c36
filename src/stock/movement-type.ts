export enum MovementType {
  Receipt = 'RECEIPT',
  Dispatch = 'DISPATCH',
  DispatchCancelled = 'DISPATCH_CANCELLED',
  Adjustment = 'ADJUSTMENT',
  /** Damaged or missing on the road: recorded against the dispatch, hub stock unchanged. */
  TransitLoss = 'TRANSIT_LOSS',
  /** Stock promised to a release order: reserved grows, on hand unchanged (quantity 0). */
  Reserved = 'RESERVED',
  /** A release's reservation freed (the release cancelled): reserved falls, quantity 0. */
  ReservationReleased = 'RESERVATION_RELEASED',
}

export enum AdjustmentReason {
  Count = 'COUNT',
  Damaged = 'DAMAGED',
  Lost = 'LOST',
  OpeningBalance = 'OPENING_BALANCE',
  Other = 'OTHER',
}
