import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Where trucks go: a country or an emergency operation, shared by all hubs. */
@Entity()
export class Destination {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 64, unique: true })
  code: string;

  @Column({ length: 200 })
  name: string;

  @Column({ type: 'char', length: 2, nullable: true })
  iso2: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
