import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PvSystem } from './pv-system.entity.js';

/**
 * The readings of one PV system on one hub day (by each reading's start, hub time), summed.
 * Recomputed whole from the readings by the energy job, never incremented. The counts say how
 * many readings carried each optional field, so a report knows whether a sum is complete.
 */
@Entity()
export class EnergyDay {
  @PrimaryColumn()
  systemId: number;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @ManyToOne(() => PvSystem, { onDelete: 'RESTRICT' })
  @JoinColumn()
  system: PvSystem;

  @Column({ type: 'integer' })
  readings: number;

  @Column({ type: 'integer' })
  readingsWithConsumption: number;

  @Column({ type: 'integer' })
  readingsWithGridImport: number;

  @Column({ type: 'integer' })
  readingsWithExport: number;

  @Column({ type: 'integer' })
  readingsWithIrradiation: number;

  @Column({ type: 'numeric', precision: 22, scale: 6 })
  generatedKwh: string;

  /** Sums over the readings that carried the field (0 when none did). */
  @Column({ type: 'numeric', precision: 22, scale: 6 })
  consumedKwh: string;

  @Column({ type: 'numeric', precision: 22, scale: 6 })
  gridImportKwh: string;

  @Column({ type: 'numeric', precision: 22, scale: 6 })
  exportedKwh: string;

  @Column({ type: 'numeric', precision: 18, scale: 6 })
  irradiationKwhM2: string;

  @Column({ type: 'timestamptz', precision: 3 })
  computedAt: Date;
}
