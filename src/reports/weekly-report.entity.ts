import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { numericTransformer } from '../database/transformers.js';
import { Hub } from '../hubs/hub.entity.js';
import type { WeeklyReportContent } from './dto/weekly-report.dto.js';

export enum DeliveryStatus {
  /** No REPORT_WEBHOOK_URL is set. */
  NotConfigured = 'NOT_CONFIGURED',
  Pending = 'PENDING',
  Delivered = 'DELIVERED',
  /** The last attempt failed; BullMQ retries it with backoff. */
  Failed = 'FAILED',
}

/** One per hub and week, enforced here: however many processes build it, one row exists. */
@Entity()
@Unique('weekly_report_per_hub_week', ['hubId', 'weekStart'])
export class WeeklyReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  hubId: number;

  @ManyToOne(() => Hub, { onDelete: 'RESTRICT' })
  @JoinColumn()
  hub: Hub;

  /** Monday, hub time. */
  @Column({ type: 'date' })
  weekStart: string;

  /** Sunday, hub time. */
  @Column({ type: 'date' })
  weekEnd: string;

  @Column({ type: 'integer' })
  trucks: number;

  @Column({ type: 'numeric', precision: 20, scale: 3, transformer: numericTransformer })
  tonnes: number;

  @Column({ type: 'jsonb' })
  content: WeeklyReportContent;

  /** SHA-256 of the content: a regeneration that changes nothing is not a new version. */
  @Column({ type: 'char', length: 64 })
  contentHash: string;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz', precision: 3 })
  generatedAt: Date;

  @Column({ type: 'enum', enum: DeliveryStatus, enumName: 'report_delivery_status' })
  deliveryStatus: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  deliveryAttempts: number;

  /** The version the webhook has received: a delivered version is never sent again. */
  @Column({ type: 'integer', nullable: true })
  deliveredVersion: number | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  lastDeliveryError: string | null;
}
