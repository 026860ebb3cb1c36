import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/transformers.js';

@Entity()
export class Hub {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 64, unique: true })
  code: string;

  @Column({ length: 200 })
  name: string;

  /** The name a sitrep sentence uses: "the Termez hub". */
  @Column({ length: 200 })
  shortName: string;

  /** IANA zone: days, weeks and date filters of this hub are in its local time. */
  @Column({ length: 64 })
  timeZone: string;

  @Column({ type: 'char', length: 2, nullable: true })
  countryCode: string | null;

  @Column({
    type: 'numeric',
    precision: 9,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  latitude: number | null;

  @Column({
    type: 'numeric',
    precision: 9,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  longitude: number | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
