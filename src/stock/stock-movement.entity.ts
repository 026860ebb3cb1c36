import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../auth/user.entity.js';
import { Item } from '../catalogue/item.entity.js';
import { numericTransformer } from '../database/transformers.js';
import { Hub } from '../hubs/hub.entity.js';
import { AdjustmentReason, MovementType } from './movement-type.js';

/**
 * One append-only line of the stock ledger. `quantity` is the change to on-hand (negative when
 * stock leaves), `reservedQuantity` the change to what is reserved for release orders; a hub's
 * on-hand and reserved for an item always equal the sums of its movements.
 */
@Entity()
@Index(['hubId', 'itemId', 'occurredAt'])
@Index(['hubId', 'occurredAt'])
export class StockMovement {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column()
  hubId: number;

  @ManyToOne(() => Hub, { onDelete: 'RESTRICT' })
  @JoinColumn()
  hub: Hub;

  @Column()
  itemId: number;

  @ManyToOne(() => Item, { onDelete: 'RESTRICT' })
  @JoinColumn()
  item: Item;

  @Column({ type: 'enum', enum: MovementType, enumName: 'movement_type' })
  type: MovementType;

  @Column({ type: 'bigint', transformer: numericTransformer })
  quantity: number;

  /** Change to reserved: + by RESERVED (and a cancelled dispatch given back to its release), -
   * by RESERVATION_RELEASED and by a dispatch against a release. */
  @Column({ type: 'bigint', default: 0, transformer: numericTransformer })
  reservedQuantity: number;

  /** The release order whose reservation this movement changes. */
  @Column({ type: 'uuid', nullable: true })
  @Index()
  releaseId: string | null;

  @Column({ type: 'enum', enum: AdjustmentReason, enumName: 'adjustment_reason', nullable: true })
  reason: AdjustmentReason | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  @Index()
  receiptId: string | null;

  @Column({ type: 'uuid', nullable: true })
  @Index()
  dispatchId: string | null;

  /** TRANSIT_LOSS only: units that arrived damaged, and units that never arrived. */
  @Column({ type: 'bigint', nullable: true, transformer: numericTransformer })
  damagedQuantity: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: numericTransformer })
  missingQuantity: number | null;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  recordedAt: Date;

  @Column({ type: 'uuid' })
  recordedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn()
  recordedBy: User;
}
