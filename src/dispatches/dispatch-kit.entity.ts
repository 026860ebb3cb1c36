import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Kit } from '../catalogue/kit.entity.js';
import { numericTransformer } from '../database/transformers.js';
import { Dispatch } from './dispatch.entity.js';

/**
 * A kit a dispatch carried, as it was then: the composition version it was expanded at and its
 * household size. The units themselves are the dispatch's lines.
 */
@Entity()
export class DispatchKit {
  @PrimaryColumn({ type: 'uuid' })
  dispatchId: string;

  @PrimaryColumn()
  kitId: number;

  @ManyToOne(() => Dispatch, { onDelete: 'CASCADE' })
  @JoinColumn()
  dispatch: Dispatch;

  @ManyToOne(() => Kit, { onDelete: 'RESTRICT' })
  @JoinColumn()
  kit: Kit;

  /** Kits, i.e. households equipped. */
  @Column({ type: 'bigint', transformer: numericTransformer })
  quantity: number;

  @Column({ type: 'integer' })
  kitVersion: number;

  @Column({ type: 'smallint' })
  householdSize: number;
}
