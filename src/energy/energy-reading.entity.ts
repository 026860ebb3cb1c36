import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../auth/user.entity.js';
import { PvSystem } from './pv-system.entity.js';

/**
 * One meter interval of a PV system, `[startsAt, endsAt)`. A meter that sends the same start
 * again replaces the reading, so `(system, startsAt)` is the key. Energy in kWh and irradiation
 * on the plane of the array in kWh/m2, numeric with 6 decimals, read as strings; the optional
 * ones are null when the meter did not send them.
 */
@Entity()
@Check('energy_reading_ends_after_start', '"ends_at" > "starts_at"')
@Check(
  'energy_reading_not_negative',
  '"generated_kwh" >= 0 AND "consumed_kwh" >= 0 AND "grid_import_kwh" >= 0 AND "exported_kwh" >= 0 AND "irradiation_kwh_m2" >= 0',
)
export class EnergyReading {
  @PrimaryColumn()
  systemId: number;

  @PrimaryColumn({ type: 'timestamptz', precision: 3 })
  startsAt: Date;

  @ManyToOne(() => PvSystem, { onDelete: 'RESTRICT' })
  @JoinColumn()
  system: PvSystem;

  @Column({ type: 'timestamptz', precision: 3 })
  endsAt: Date;

  @Column({ type: 'numeric', precision: 16, scale: 6 })
  generatedKwh: string;

  /** Site load. */
  @Column({ type: 'numeric', precision: 16, scale: 6, nullable: true })
  consumedKwh: string | null;

  @Column({ type: 'numeric', precision: 16, scale: 6, nullable: true })
  gridImportKwh: string | null;

  /** PV energy fed into the grid. */
  @Column({ type: 'numeric', precision: 16, scale: 6, nullable: true })
  exportedKwh: string | null;

  /** Plane-of-array irradiation over the interval (H_POA). */
  @Column({ type: 'numeric', precision: 12, scale: 6, nullable: true })
  irradiationKwhM2: string | null;

  /** When this version of the reading arrived (a replacement updates it). */
  @Column({ type: 'timestamptz', precision: 3 })
  recordedAt: Date;

  @Column({ type: 'uuid' })
  recordedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn()
  recordedBy: User;
}
