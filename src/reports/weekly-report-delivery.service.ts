import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Environment } from '../config/environment.js';
import { DeliveryStatus, WeeklyReport } from './weekly-report.entity.js';
import { toResponse } from './weekly-reports.service.js';

const TIMEOUT_MS = 10_000;

/**
 * POSTs a report version to REPORT_WEBHOOK_URL. A failure is recorded on the report and thrown,
 * so BullMQ retries with backoff; a version already delivered is never sent again. The
 * Idempotency-Key header lets the receiver drop a repeat should one still happen.
 */
@Injectable()
export class WeeklyReportDelivery {
  private readonly logger = new Logger(WeeklyReportDelivery.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  async deliver(reportId: string, version: number): Promise<{ delivered: boolean }> {
    const url = this.config.get('REPORT_WEBHOOK_URL', { infer: true });
    const repository = this.dataSource.getRepository(WeeklyReport);
    const report = await repository.findOne({ where: { id: reportId }, relations: { hub: true } });
    if (
      !url ||
      !report ||
      report.version !== version ||
      (report.deliveredVersion ?? 0) >= version
    ) {
      return { delivered: false };
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': `weekly-report-${report.id}-v${version}`,
        },
        body: JSON.stringify(toResponse(report, false)),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
    } catch (error) {
      const message = (error as Error).message.slice(0, 2000);
      await repository.increment({ id: report.id }, 'deliveryAttempts', 1);
      await repository.update(report.id, {
        deliveryStatus: DeliveryStatus.Failed,
        lastDeliveryError: message,
      });
      this.logger.warn(
        `Delivery of report ${report.hub.code} ${report.weekStart} v${version} failed: ${message}`,
      );
      throw error;
    }
    await repository.increment({ id: report.id }, 'deliveryAttempts', 1);
    await this.dataSource.query(
      `UPDATE weekly_report
          SET delivered_version = GREATEST(COALESCE(delivered_version, 0), $2), delivered_at = now(),
              delivery_status = CASE WHEN version <= $2 THEN 'DELIVERED'::report_delivery_status ELSE delivery_status END,
              last_delivery_error = NULL
        WHERE id = $1`,
      [report.id, version],
    );
    return { delivered: true };
  }
}
