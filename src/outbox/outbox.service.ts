import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runStatement } from '../database/run-statement.js';
import { OutboxEventType, OutboxPayloads } from './outbox-event.entity.js';

/** An event as a fold sees it. */
export interface PendingEvent<T extends OutboxEventType = OutboxEventType> {
  id: string;
  type: T;
  payload: OutboxPayloads[T];
}

/**
 * The way into the outbox table. Producers record events inside their transaction (they
 * commit, or vanish, with the change); folds take them inside theirs (deleted as they are
 * folded, so counted once); readers ask how much waits. One producer writes its own rows: a live
 * dispatch's DISPATCH_RECORDED event is a CTE of the statement that writes the dispatch
 * (insertDispatches), to spare a round trip on the hottest path; its payload is the same.
 */
@Injectable()
export class OutboxService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record<T extends OutboxEventType>(
    manager: EntityManager,
    type: T,
    hubId: number,
    payload: OutboxPayloads[T],
  ): Promise<void> {
    await runStatement(
      manager,
      'INSERT INTO outbox_event (type, hub_id, payload) VALUES ($1, $2, $3)',
      [type, hubId, JSON.stringify(payload)],
    );
  }

  /**
   * Deletes these events, of these types only, in the caller's transaction and returns them:
   * the fold that commits with the delete is the only one that sees them, so an event
   * delivered twice is folded once. Waits for a relay still publishing one of them.
   */
  async take<T extends OutboxEventType>(
    manager: EntityManager,
    eventIds: string[],
    types: T[],
  ): Promise<PendingEvent<T>[]> {
    const { rows } = await runStatement<PendingEvent<T>>(
      manager,
      `DELETE FROM outbox_event WHERE id = ANY($1::bigint[]) AND type = ANY($2::outbox_event_type[])
       RETURNING id, type, payload`,
      [eventIds, types],
    );
    return rows;
  }

  /** Deletes every event of these types this transaction sees: a rebuild has folded them all. */
  async discard(manager: EntityManager, types: OutboxEventType[]): Promise<void> {
    await runStatement(
      manager,
      'DELETE FROM outbox_event WHERE type = ANY($1::outbox_event_type[])',
      [types],
    );
  }

  /** How many events of these types wait for their fold at the hub. */
  async pending(hubId: number, types: OutboxEventType[]): Promise<number> {
    const [{ n }] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM outbox_event
        WHERE hub_id = $1 AND type = ANY($2::outbox_event_type[])`,
      [hubId, types],
    );
    return n;
  }

  /** Every hub's waiting events per type, with the oldest one's age in seconds (for /metrics). */
  backlog(): Promise<{ type: OutboxEventType; pending: number; oldestAgeSeconds: number }[]> {
    return this.dataSource.query(
      `SELECT type, count(*)::int AS pending,
              extract(epoch FROM now() - min(created_at))::float8 AS "oldestAgeSeconds"
         FROM outbox_event GROUP BY type`,
    );
  }

  /** The waiting events of these types at the hub, oldest first (the first `limit` of them). */
  pendingEvents<T extends OutboxEventType>(
    hubId: number,
    types: T[],
    limit: number | null = null,
  ): Promise<PendingEvent<T>[]> {
    return this.dataSource.query(
      `SELECT id, type, payload FROM outbox_event
        WHERE hub_id = $1 AND type = ANY($2::outbox_event_type[])
        ORDER BY id LIMIT $3`,
      [hubId, types, limit],
    );
  }
}
