import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { numericTransformer } from '../database/transformers.js';
import { Item } from './item.entity.js';

/**
 * A named bill of items that equips one household ("HH-CRI-5": a family of 5). Its composition
 * is versioned: an edit writes the components of a new version and moves `version` on, so what
 * a dispatch took (its own lines, and the kit version it names) is never rewritten.
 */
@Entity()
@Check('kit_household_size_positive', '"household_size" >= 1')
@Check('kit_version_positive', '"version" >= 1')
export class Kit {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 64, unique: true })
  code: string;

  @Column({ length: 200 })
  name: string;

  /** People one kit serves. */
  @Column({ type: 'smallint' })
  householdSize: number;

  /** The current composition's version (components of older versions are kept). */
  @Column({ type: 'integer' })
  version: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}

/** One item of one version of a kit's composition. */
@Entity()
@Check('kit_component_quantity_positive', '"quantity" >= 1')
export class KitComponent {
  @PrimaryColumn()
  kitId: number;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @PrimaryColumn()
  itemId: number;

  @ManyToOne(() => Kit, { onDelete: 'CASCADE' })
  @JoinColumn()
  kit: Kit;

  @ManyToOne(() => Item, { onDelete: 'RESTRICT' })
  @JoinColumn()
  item: Item;

  /** Units of the item in one kit. */
  @Column({ type: 'integer', transformer: numericTransformer })
  quantity: number;
}
