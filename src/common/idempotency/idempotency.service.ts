import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Keys are kept at least 24 hours; these are kept 48. */
export const IDEMPOTENCY_RETENTION_HOURS = 48;

@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Forgets records past retention; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_HOURS * 3600_000);
    const result = await this.dataSource.query(
      'DELETE FROM idempotency_record WHERE created_at < $1',
      [cutoff],
    );
    return (result as [unknown, number])[1];
  }
}
