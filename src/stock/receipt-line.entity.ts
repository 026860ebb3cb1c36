import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Item } from '../catalogue/item.entity.js';
import { numericTransformer } from '../database/transformers.js';
import { Receipt } from './receipt.entity.js';

@Entity()
export class ReceiptLine {
  @PrimaryColumn({ type: 'uuid' })
  receiptId: string;

  @PrimaryColumn({ type: 'smallint' })
  lineNo: number;

  @ManyToOne(() => Receipt, { onDelete: 'CASCADE' })
  @JoinColumn()
  receipt: Receipt;

  @Column()
  itemId: number;

  @ManyToOne(() => Item, { onDelete: 'RESTRICT' })
  @JoinColumn()
  item: Item;

  @Column({ type: 'bigint', transformer: numericTransformer })
  quantity: number;
}
