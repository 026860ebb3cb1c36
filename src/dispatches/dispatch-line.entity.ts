import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Item } from '../catalogue/item.entity.js';
import { numericTransformer } from '../database/transformers.js';
import { Dispatch } from './dispatch.entity.js';

/** One SKU on a truck, with the catalogue's unit weight and volume as they were at dispatch. */
@Entity()
@Unique('dispatch_line_item_once', ['dispatchId', 'itemId'])
export class DispatchLine {
  @PrimaryColumn({ type: 'uuid' })
  dispatchId: string;

  @PrimaryColumn({ type: 'smallint' })
  lineNo: number;

  @ManyToOne(() => Dispatch, { onDelete: 'CASCADE' })
  @JoinColumn()
  dispatch: Dispatch;

  @Column()
  itemId: number;

  @ManyToOne(() => Item, { onDelete: 'RESTRICT' })
  @JoinColumn()
  item: Item;

  @Column({ type: 'bigint', transformer: numericTransformer })
  quantity: number;

  @Column({ type: 'numeric', precision: 12, scale: 6 })
  unitWeightKg: string;

  @Column({ type: 'numeric', precision: 12, scale: 6 })
  unitVolumeM3: string;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  weightKg: string;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  volumeM3: string;

  /** Set by the delivery: arrived in good condition, arrived damaged, never arrived. */
  @Column({ type: 'bigint', nullable: true, transformer: numericTransformer })
  receivedQuantity: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: numericTransformer })
  damagedQuantity: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: numericTransformer })
  missingQuantity: number | null;
}
