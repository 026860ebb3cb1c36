import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Hub } from '../hubs/hub.entity.js';

/** A photovoltaic plant of a hub, metered by the readings its meters send. */
@Entity()
export class PvSystem {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  hubId: number;

  @ManyToOne(() => Hub, { onDelete: 'RESTRICT' })
  @JoinColumn()
  hub: Hub;

  @Column({ length: 64, unique: true })
  code: string;

  @Column({ length: 200 })
  name: string;

  /** Peak power at standard test conditions (P_STC), kWp; numeric, read as a string. */
  @Column({ type: 'numeric', precision: 12, scale: 3 })
  capacityKwp: string;

  /** From this day on the plant is expected to generate; reports count no expectation before. */
  @Column({ type: 'date', nullable: true })
  commissionedOn: string | null;

  /** The performance ratio the plant should reach (IEC 61724): expected = P x irradiation x this. */
  @Column({ type: 'numeric', precision: 5, scale: 4, default: () => '0.8' })
  targetPerformanceRatio: string;

  /**
   * The year's expected yield by month, 12 shares summing to 1 (January first); null: the
   * default profile (src/energy/expected-yield.ts).
   */
  @Column({ type: 'numeric', precision: 7, scale: 6, array: true, nullable: true })
  monthlyProfile: string[] | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
