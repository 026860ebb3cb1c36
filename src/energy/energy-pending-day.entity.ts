import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PvSystem } from './pv-system.entity.js';

/**
 * A day whose readings changed after its rollup was computed: written in the same transaction
 * as the readings (an outbox), so a rollup is never missed even when the job queue was down;
 * the energy job recomputes the day and deletes the mark.
 */
@Entity()
export class EnergyPendingDay {
  @PrimaryColumn()
  systemId: number;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @ManyToOne(() => PvSystem, { onDelete: 'RESTRICT' })
  @JoinColumn()
  system: PvSystem;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  markedAt: Date;
}
