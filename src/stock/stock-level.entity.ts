import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Item } from '../catalogue/item.entity.js';
import { numericTransformer } from '../database/transformers.js';
import { Hub } from '../hubs/hub.entity.js';

/** On hand per hub and item: a projection of the movements, kept in step in each transaction. */
@Entity()
@Check('stock_level_on_hand_not_negative', '"on_hand" >= 0')
export class StockLevel {
  @PrimaryColumn()
  hubId: number;

  @PrimaryColumn()
  itemId: number;

  @ManyToOne(() => Hub, { onDelete: 'RESTRICT' })
  @JoinColumn()
  hub: Hub;

  @ManyToOne(() => Item, { onDelete: 'RESTRICT' })
  @JoinColumn()
  item: Item;

  @Column({ type: 'bigint', transformer: numericTransformer })
  onHand: number;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
