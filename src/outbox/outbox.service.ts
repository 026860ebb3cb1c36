import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runStatement } from '../database/run-statement.js';
import { OutboxEventType, OutboxPayload } from './outbox-event.entity.js';

/** Writes events inside the caller's transaction: they commit, or vanish, with the change. */
@Injectable()
export class OutboxService {
  async record(
    manager: EntityManager,
    type: OutboxEventType,
    hubId: number,
    payload: OutboxPayload,
  ): Promise<void> {
    await runStatement(
      manager,
      'INSERT INTO outbox_event (type, hub_id, payload) VALUES ($1, $2, $3)',
      [type, hubId, JSON.stringify(payload)],
    );
  }
}
