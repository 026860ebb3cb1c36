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

/**
 * On hand and reserved per hub and item: projections of the movements (`quantity` and
 * `reserved_quantity`), kept in step in each transaction. Reserved stock is promised to open
 * release orders; what is available to promise or take without a release is on hand - reserved.
 */
@Entity()
@Check('stock_level_on_hand_not_negative', '"on_hand" >= 0')
@Check('stock_level_reserved_not_negative', '"reserved" >= 0')
@Check('stock_level_reserved_within_on_hand', '"reserved" <= "on_hand"')
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

  @Column({ type: 'bigint', default: 0, transformer: numericTransformer })
  reserved: number;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
