import { IsIn, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { PageQuery } from '../../common/pagination/page.js';
import { isValidDay } from '../../common/time/zoned.js';
import { isInstant } from '../../common/validation/time.js';
import { AUDITED_FIELDS } from '../audit-diff.js';
import type { AuditRecord, Changes } from '../audit-record.entity.js';

/** What `targetType` may name: the audited kinds, and `endpoint` for refused requests (`route` is left to transport routes). */
export const AUDIT_TARGET_TYPES = [...Object.keys(AUDITED_FIELDS), 'endpoint'];

const IsDayOrInstant = () =>
  ValidateBy({
    name: 'isDayOrInstant',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' && isValidDay(value)) || isInstant(value),
      defaultMessage: () =>
        '$property must be a day as YYYY-MM-DD (UTC) or an ISO 8601 date-time with an offset',
    },
  });

const DAY_MS = 86_400_000;

export class AuditQuery extends PageQuery {
  /** The actor's user id, or their name as it was when they acted. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  /** e.g. `user.created`, `item.updated`, `access.denied`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-zA-Z]+\.[a-zA-Z]+$/, { message: '$property must be like user.created' })
  action?: string;

  /** `user`, `hub`, `item`, `destination`, `pvSystem` or `endpoint` (refused requests). */
  @IsOptional()
  @IsIn(AUDIT_TARGET_TYPES)
  targetType?: string;

  /** From this day (UTC, inclusive) or instant. */
  @IsOptional()
  @IsDayOrInstant()
  from?: string;

  /** To this day (UTC, inclusive) or instant (exclusive). */
  @IsOptional()
  @IsDayOrInstant()
  to?: string;

  /** The half-open period [from, to) the query's bounds mean. */
  period(): { from?: Date; to?: Date } {
    const bound = (value: string | undefined, end: boolean): Date | undefined => {
      if (value === undefined) return undefined;
      if (!isValidDay(value)) return new Date(value);
      const start = Date.parse(`${value}T00:00:00Z`);
      return new Date(end ? start + DAY_MS : start);
    };
    return { from: bound(this.from, false), to: bound(this.to, true) };
  }
}

export class AuditActor {
  id: string;
  name: string;
}

export class AuditTarget {
  /** `user`, `hub`, `item`, `destination`, `pvSystem`, or `endpoint` for a refused request. */
  type: string;
  /** The target's id or code; for a refused request, its method and route pattern. */
  id: string;
}

export class AuditDenied {
  method: string;
  /** The route's pattern, e.g. `/api/users/:id`. */
  route: string;
  /** 401 or 403. */
  status: number;
  /** The hub the request named, when it named one. */
  hub: string | null;
  /** Who knocked when no user is known: `key:<hash prefix>`, `session:<hash prefix>` or `ip:<address>`. */
  caller: string;
}

export class AuditRecordResponse {
  id: string;
  /** When, ISO 8601. */
  at: string;
  /** Who; null for what relief-hub did itself (the admin made at start) or a caller with no valid key. */
  actor: AuditActor | null;
  /** `<target>.<verb>`, e.g. `user.revoked`, `item.updated`, or `access.denied`. */
  action: string;
  target: AuditTarget;
  /**
   * `{ field: [before, after] }` for each field changed (before null when created); secrets
   * (keys, passwords, hashes) never appear.
   * @example { "unitWeightKg": [4.5, 4.75] }
   */
  changes: Changes;
  /** Set on `access.denied` only. */
  denied: AuditDenied | null;
  /** The request's X-Request-Id, as logged. */
  requestId: string | null;
  ip: string | null;
}

export function mapAuditRecord(record: AuditRecord): AuditRecordResponse {
  return {
    id: record.id,
    at: record.at.toISOString(),
    actor: record.actorId === null ? null : { id: record.actorId, name: record.actorName ?? '' },
    action: record.action,
    target: { type: record.targetType, id: record.targetId },
    changes: record.changes,
    denied: record.denied,
    requestId: record.requestId,
    ip: record.ip,
  };
}
