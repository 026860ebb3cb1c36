export enum DispatchStatus {
  Dispatched = 'DISPATCHED',
  Delivered = 'DELIVERED',
  Cancelled = 'CANCELLED',
}
