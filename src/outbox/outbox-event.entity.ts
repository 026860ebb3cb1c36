import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum OutboxEventType {
  DispatchRecorded = 'DISPATCH_RECORDED',
  DispatchCancelled = 'DISPATCH_CANCELLED',
  DispatchesImported = 'DISPATCHES_IMPORTED',
  EnergyReadingsRecorded = 'ENERGY_READINGS_RECORDED',
}

/** What each event names: ids, never entities. */
export interface OutboxPayloads {
  [OutboxEventType.DispatchRecorded]: { dispatchId: string };
  [OutboxEventType.DispatchCancelled]: { dispatchId: string };
  [OutboxEventType.DispatchesImported]: { importId: string };
  /** The days (hub time, YYYY-MM-DD) on which a PV system's readings were stored or replaced. */
  [OutboxEventType.EnergyReadingsRecorded]: { systemId: number; days: string[] };
}

export type OutboxPayload = OutboxPayloads[OutboxEventType];

/**
 * A change a derived figure (statistics, energy rollups) does not include yet, written in the
 * same transaction as the change. The row lives until a worker has folded it in (in that
 * worker's transaction), so the table holds exactly the pending events.
 */
@Entity()
@Index(['hubId'])
export class OutboxEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'enum', enum: OutboxEventType, enumName: 'outbox_event_type' })
  type: OutboxEventType;

  @Column()
  hubId: number;

  @Column({ type: 'jsonb' })
  payload: OutboxPayload;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Last time the relay put it on the queue; republished if still pending long after. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  publishedAt: Date | null;
}
