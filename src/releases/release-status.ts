export enum ReleaseStatus {
  /** Reserved, nothing dispatched yet. */
  Open = 'OPEN',
  /** Something dispatched, something still reserved. */
  Partial = 'PARTIAL',
  /** Nothing remains. */
  Fulfilled = 'FULFILLED',
  /** Cancelled: what remained was freed. */
  Cancelled = 'CANCELLED',
}

/** Statuses whose remaining quantities are still reserved. */
export const HOLDING: readonly ReleaseStatus[] = [ReleaseStatus.Open, ReleaseStatus.Partial];
