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
import { Hub } from '../hubs/hub.entity.js';

/** Goods received at a hub: a delivery note, a donation, a transfer in. */
@Entity()
@Index(['hubId', 'receivedAt'])
export class Receipt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  hubId: number;

  @ManyToOne(() => Hub, { onDelete: 'RESTRICT' })
  @JoinColumn()
  hub: Hub;

  @Column({ length: 200 })
  reference: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  source: string | null;

  @Column({ type: 'timestamptz', precision: 3 })
  receivedAt: Date;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  recordedAt: Date;

  @Column({ type: 'uuid' })
  recordedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn()
  recordedBy: User;
}
