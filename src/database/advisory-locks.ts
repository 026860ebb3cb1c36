/**
 * Every PostgreSQL advisory lock relief-hub takes, in one registry so that no two uses share an
 * id by accident. Single-key locks take a bigint; two-key locks a class (int) and a key (int).
 * The idempotency layer's locks are single-key too, on 64 bits of a SHA-256 of their scope:
 * a collision with the fixed ids below is as likely as one between two scopes, never in practice.
 */
export const ADVISORY_LOCK = {
  /** Held while one process migrates and seeds the database, so that others starting wait. */
  startup: 0x72656c6966,
  /**
   * The dispatch rollups: folds and the outbox relay hold it shared, a rebuild exclusively, so a
   * rebuild sees no fold half-way and no fold lands on a half-built rollup.
   */
  rollups: 0x726f6c6c7570,
} as const;

/** Classes of two-key advisory locks (the second key says which row the lock stands for). */
export const ADVISORY_LOCK_CLASS = {
  /** The first-come queue per hub that takes of stock wait in (key: the hub's id). */
  stockQueue: 0x73746b,
} as const;
