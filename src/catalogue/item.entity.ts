import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { numericTransformer } from '../database/transformers.js';

/** A relief item of the shared catalogue. Its weight and volume are per unit, as packed. */
@Entity()
@Check('item_unit_weight_positive', '"unit_weight_kg" > 0')
@Check('item_unit_volume_positive', '"unit_volume_m3" > 0')
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 64, unique: true })
  sku: string;

  @Column({ length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  category: string | null;

  /** How a sitrep names several ("refugee housing units"); derived from the name when unset. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  pluralName: string | null;

  @Column({ length: 32 })
  unit: string;

  @Column({ type: 'numeric', precision: 12, scale: 6, transformer: numericTransformer })
  unitWeightKg: number;

  @Column({ type: 'numeric', precision: 12, scale: 6, transformer: numericTransformer })
  unitVolumeM3: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
