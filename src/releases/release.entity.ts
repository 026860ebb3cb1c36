import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { User } from '../auth/user.entity.js';
import { Destination } from '../catalogue/destination.entity.js';
import { Item } from '../catalogue/item.entity.js';
import { numericTransformer } from '../database/transformers.js';
import { Hub } from '../hubs/hub.entity.js';
import { ReleaseStatus } from './release-status.js';

/** A kit a release line named, as it was expanded then. */
export interface ReleaseKit {
  code: string;
  quantity: number;
  householdSize: number;
  /** Units of each component per kit, at the composition of the day. */
  components: { sku: string; quantity: number }[];
}

/**
 * A release order: stock a coordinator committed to an emergency before the trucks are loaded.
 * Its lines' remaining quantities (quantity - dispatched) are reserved while it is OPEN or
 * PARTIAL.
 */
@Entity()
@Unique('release_number_per_hub', ['hubId', 'number'])
@Index(['hubId', 'status'])
@Index(['hubId', 'createdAt'])
export class Release {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  hubId: number;

  @ManyToOne(() => Hub, { onDelete: 'RESTRICT' })
  @JoinColumn()
  hub: Hub;

  /** REL-TMZ-2026-0001: hub, year of creation (hub time), a sequence per hub and year. */
  @Column({ length: 64 })
  number: string;

  @Column()
  destinationId: number;

  @ManyToOne(() => Destination, { onDelete: 'RESTRICT' })
  @JoinColumn()
  destination: Destination;

  @Column({ type: 'varchar', length: 200, nullable: true })
  emergency: string | null;

  /** A day (YYYY-MM-DD). */
  @Column({ type: 'date', nullable: true })
  neededBy: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  note: string | null;

  @Column({ type: 'enum', enum: ReleaseStatus, enumName: 'release_status' })
  status: ReleaseStatus;

  /** Kit lines as expanded at creation (their items are among the lines). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  kits: ReleaseKit[];

  /**
   * The load plan of the release's lines at creation (POST /api/plans/load's answer), null
   * when no plan fits (more trucks than a plan lists).
   */
  @Column({ type: 'jsonb', nullable: true })
  plan: object | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn()
  createdBy: User;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  cancelReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  cancelledById: string | null;
}

/** One item of a release: what was promised and what has left against it. */
@Entity()
@Check('release_line_quantity_positive', '"quantity" >= 1')
@Check('release_line_dispatched_within', '"dispatched" >= 0 AND "dispatched" <= "quantity"')
export class ReleaseLine {
  @PrimaryColumn('uuid')
  releaseId: string;

  @PrimaryColumn({ type: 'smallint' })
  lineNo: number;

  @ManyToOne(() => Release, { onDelete: 'CASCADE' })
  @JoinColumn()
  release: Release;

  @Column()
  itemId: number;

  @ManyToOne(() => Item, { onDelete: 'RESTRICT' })
  @JoinColumn()
  item: Item;

  @Column({ type: 'bigint', transformer: numericTransformer })
  quantity: number;

  @Column({ type: 'bigint', default: 0, transformer: numericTransformer })
  dispatched: number;

  /** Catalogue snapshots at creation, for the release's tonnes and volume. */
  @Column({ type: 'numeric', precision: 12, scale: 6 })
  unitWeightKg: string;

  @Column({ type: 'numeric', precision: 12, scale: 6 })
  unitVolumeM3: string;
}

/** Last release number per hub and year of creation (hub time). */
@Entity()
export class ReleaseCounter {
  @PrimaryColumn()
  hubId: number;

  @PrimaryColumn({ type: 'smallint' })
  year: number;

  @Column({ type: 'integer' })
  lastValue: number;
}
