import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { User } from '../auth/user.entity.js';
import { Destination } from '../catalogue/destination.entity.js';
import { numericTransformer } from '../database/transformers.js';
import { Hub } from '../hubs/hub.entity.js';
import { DispatchStatus } from './dispatch-status.js';

/** A truck that left a hub. Weights and volumes are numeric, in kg and m3, read as strings. */
@Entity()
@Unique('dispatch_waybill_per_hub', ['hubId', 'waybillNo'])
@Index(['hubId', 'dispatchedAt'])
export class Dispatch {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  hubId: number;

  @ManyToOne(() => Hub, { onDelete: 'RESTRICT' })
  @JoinColumn()
  hub: Hub;

  @Column({ length: 64 })
  waybillNo: string;

  @Column()
  destinationId: number;

  @ManyToOne(() => Destination, { onDelete: 'RESTRICT' })
  @JoinColumn()
  destination: Destination;

  @Column({ type: 'enum', enum: DispatchStatus, enumName: 'dispatch_status' })
  status: DispatchStatus;

  @Column({ type: 'timestamptz', precision: 3 })
  dispatchedAt: Date;

  @Column({ length: 32 })
  truckPlate: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  trailerPlate: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  driverName: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  driverPhone: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  carrier: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  consignee: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  emergency: string | null;

  /** The weighbridge's net cargo weight; when set, it is this truck's tonnage. */
  @Column({ type: 'numeric', precision: 14, scale: 3, nullable: true })
  cargoWeightKg: string | null;

  /** Sum of the lines' weights (snapshots of the catalogue at dispatch time). */
  @Column({ type: 'numeric', precision: 24, scale: 6 })
  linesWeightKg: string;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  volumeM3: string;

  /**
   * The road distance this truck counts, km: given on the dispatch, else the hub's route to the
   * destination when it was recorded (a later route change never rewrites it); null: unknown.
   */
  @Column({ type: 'numeric', precision: 9, scale: 3, nullable: true })
  distanceKm: string | null;

  /** Where `distanceKm` comes from: "given on the dispatch" or the route's basis then. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  distanceBasis: string | null;

  /** The carrier's diesel figure for this trip, litres. */
  @Column({ type: 'numeric', precision: 12, scale: 3, nullable: true })
  fuelLitres: string | null;

  /** Tonnes x distance, computed once when recorded (src/common/emissions.ts). */
  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  tonneKm: string | null;

  /** kg CO2e well-to-wheel, computed once when recorded with the factors of that moment. */
  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  co2eKg: string | null;

  /** `fuel` or `default` (tonne-km x intensity); null without a distance. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  emissionMethod: 'fuel' | 'default' | null;
  /** Kits carried (households equipped): the sum of its dispatch_kit quantities. */
  @Column({ type: 'bigint', default: 0, transformer: numericTransformer })
  households: number;

  /**
   * The release order this truck loaded against (its stock came out of that reservation); the
   * release is the releases folder's, which knows dispatches, so no relation is declared here.
   */
  @Column({ type: 'uuid', nullable: true })
  @Index()
  releaseId: string | null;

  /** Recorded from the historical import: counts in statistics, took no stock. */
  @Column({ default: false })
  historical: boolean;

  /** The import that brought it in, for historical dispatches. */
  @Column({ type: 'uuid', nullable: true })
  @Index()
  importId: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  recordedAt: Date;

  @Column({ type: 'uuid' })
  recordedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn()
  recordedBy: User;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  cancelReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  cancelledById: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  deliveryNote: string | null;

  @Column({ type: 'uuid', nullable: true })
  deliveryRecordedById: string | null;
}
