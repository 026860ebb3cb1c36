export enum MovementType {
  Receipt = 'RECEIPT',
  Dispatch = 'DISPATCH',
  DispatchCancelled = 'DISPATCH_CANCELLED',
  Adjustment = 'ADJUSTMENT',
  /** Damaged or missing on the road: recorded against the dispatch, hub stock unchanged. */
  TransitLoss = 'TRANSIT_LOSS',
}

export enum AdjustmentReason {
  Count = 'COUNT',
  Damaged = 'DAMAGED',
  Lost = 'LOST',
  OpeningBalance = 'OPENING_BALANCE',
  Other = 'OTHER',
}
