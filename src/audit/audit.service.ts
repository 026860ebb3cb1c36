import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Clock } from '../common/clock.service.js';
import { currentRequest } from '../common/http/request-context.js';
import { Page, paginate } from '../common/pagination/page.js';
import { auditChanges, AuditTargetType } from './audit-diff.js';
import { AuditRecord, Changes, DeniedRequest } from './audit-record.entity.js';
import { AuditQuery } from './dto/audit.dto.js';

/** One change to record: what was done to which target, and how its fields changed. */
export interface AuditEntry {
  /** `<target>.<verb>`: `user.created`, `item.updated`, `user.revoked`. */
  action: string;
  target: { type: AuditTargetType; id: string };
  /** The target as it was (null: created) and as it is (null: removed); diffed by auditChanges. */
  before?: object | null;
  after?: object | null;
}

/** How many refusal buckets a process remembers before forgetting them all (the database still
 * holds the line: a forgotten bucket costs one INSERT that does nothing). */
const MAX_REMEMBERED_BUCKETS = 10_000;

/**
 * Appends a record to the audit trail in the transaction of the change it records, so both
 * commit or neither does; who, from where and under which request id come from the request's
 * context (common/http/request-context), never from the caller.
 */
export async function appendAudit(
  manager: EntityManager,
  entry: AuditEntry,
  at: Date = new Date(),
): Promise<void> {
  const request = currentRequest();
  await manager.insert(AuditRecord, {
    at,
    actorId: request?.actor?.id ?? null,
    actorName: request?.actor?.name ?? null,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id,
    changes: jsonb(auditChanges(entry.target.type, entry.before ?? null, entry.after ?? null)),
    denied: null,
    requestId: request?.requestId ?? null,
    ip: request?.ip ?? null,
    throttleKey: null,
  });
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);
  /** Refusal buckets recorded (or being recorded) by this process in the current minute. */
  private buckets = new Set<string>();
  private bucketMinute = '';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Records a change inside `manager`'s transaction: one line per change in the services. */
  record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    return appendAudit(manager, entry, this.clock.now());
  }

  /**
   * Records a refused write (401, 403) at most once per caller, route and minute: a set in
   * memory answers a flood without touching the database, and the unique throttle key holds the
   * line between processes. Written on its own, as the refused request's own work rolled back;
   * a failure to record is logged and never changes the refusal.
   */
  async recordDenied(request: Omit<DeniedRequest, 'caller'>): Promise<void> {
    const context = currentRequest();
    const caller = context?.actor
      ? `user:${context.actor.id}`
      : (context?.credential ?? `ip:${context?.ip ?? 'unknown'}`);
    const at = this.clock.now();
    const minute = at.toISOString().slice(0, 16);
    const throttleKey = `${caller}|${request.method} ${request.route}|${minute}`.slice(0, 400);
    if (minute !== this.bucketMinute || this.buckets.size >= MAX_REMEMBERED_BUCKETS) {
      this.buckets = new Set();
      this.bucketMinute = minute;
    }
    if (this.buckets.has(throttleKey)) return;
    this.buckets.add(throttleKey);
    try {
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(AuditRecord)
        .values({
          at,
          actorId: context?.actor?.id ?? null,
          actorName: context?.actor?.name ?? null,
          action: 'access.denied',
          targetType: 'endpoint',
          targetId: `${request.method} ${request.route}`.slice(0, 300),
          changes: jsonb({}),
          denied: { ...request, caller },
          requestId: context?.requestId ?? null,
          ip: context?.ip ?? null,
          throttleKey,
        })
        .orIgnore()
        .execute();
    } catch (error) {
      this.buckets.delete(throttleKey);
      this.logger.error(`could not record a refused ${request.method} ${request.route}`, error);
    }
  }

  /** The trail, newest first, filtered. */
  list(query: AuditQuery): Promise<Page<AuditRecord>> {
    const qb: SelectQueryBuilder<AuditRecord> = this.dataSource
      .getRepository(AuditRecord)
      .createQueryBuilder('r');
    if (query.actor !== undefined) {
      const byId = UUID.test(query.actor);
      qb.andWhere(byId ? 'r.actorId = :actor' : 'r.actorName = :actor', { actor: query.actor });
    }
    if (query.action !== undefined) qb.andWhere('r.action = :action', { action: query.action });
    if (query.targetType !== undefined) {
      qb.andWhere('r.targetType = :targetType', { targetType: query.targetType });
    }
    const { from, to } = query.period();
    if (from) qb.andWhere('r.at >= :from', { from });
    if (to) qb.andWhere('r.at < :to', { to });
    return paginate(qb, query, ['r.at', 'r.id'], 'DESC', (r) => [r.at.toISOString(), r.id]);
  }
}

/** TypeORM's insert types cannot map a tuple of unknowns; the jsonb column takes any JSON. */
const jsonb = (changes: Changes) => changes as QueryDeepPartialEntity<Changes>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
