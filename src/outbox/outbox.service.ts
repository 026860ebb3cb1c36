import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxEvent, OutboxEventType, OutboxPayload } from './outbox-event.entity.js';

/** Writes events inside the caller's transaction: they commit, or vanish, with the change. */
@Injectable()
export class OutboxService {
  async record(
    manager: EntityManager,
    type: OutboxEventType,
    hubId: number,
    payload: OutboxPayload,
  ): Promise<void> {
    await manager.insert(OutboxEvent, { type, hubId, payload });
  }
}
