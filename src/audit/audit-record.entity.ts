import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A field's value before and after a change; null where there was none (created, cleared). */
export type FieldChange = [before: unknown, after: unknown];

export type Changes = Record<string, FieldChange>;

/** What an `access.denied` record knows of the refused request. */
export interface DeniedRequest {
  method: string;
  /** The route's pattern (`/api/users/:id`), not the path: one bucket per route. */
  route: string;
  status: number;
  /** The hub the request named (query or body), when it named one. */
  hub: string | null;
  /** Who knocked when no user is known: a credential's salted hash prefix, or `ip:<address>`. */
  caller: string;
}

/**
 * One entry of the audit trail: appended in the transaction of the change it records, never
 * updated or deleted (a trigger refuses both; TRUNCATE, for tests, fires no row trigger).
 */
@Entity()
@Index(['at', 'id'])
@Index(['actorId', 'at'])
@Index(['action', 'at'])
export class AuditRecord {
  /** In order of insertion: the tie-break of records written in the same millisecond. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', precision: 3 })
  at: Date;

  /** Null for what the system did itself (the admin made at start). */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  /** As the actor was named then: a record outlives renames. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  actorName: string | null;

  /** `user.created`, `item.updated`, `access.denied`, ... */
  @Column({ length: 64 })
  action: string;

  /** `user`, `hub`, `item`, `destination`, `pvSystem`, `endpoint` (for access.denied). */
  @Column({ length: 32 })
  targetType: string;

  /** The target's id or code (`CRI-RHU`, a user's uuid, `POST /api/items`). */
  @Column({ length: 300 })
  targetId: string;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  changes: Changes;

  /** Set on `access.denied` records only. */
  @Column({ type: 'jsonb', nullable: true })
  denied: DeniedRequest | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /**
   * `access.denied` only: caller, method, route and minute. Unique, so that a flood of refusals
   * from one caller on one route writes one record a minute, whichever process sees them.
   */
  @Column({ type: 'varchar', length: 400, nullable: true, unique: true })
  throttleKey: string | null;
}
