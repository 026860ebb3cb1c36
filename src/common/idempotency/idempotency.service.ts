import {
  ConflictException,
  Injectable,
  Logger,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { runStatement } from '../../database/run-statement.js';
import { Clock } from '../clock.service.js';
import { atCommit, inTransaction, retryOnConflict } from '../../database/transaction.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';

/** The key was first used with another request: 422, and the web app says "open a new form". */
export class IdempotencyKeyReusedException extends UnprocessableEntityException {
  constructor() {
    super('This Idempotency-Key was already used with a different body');
  }
}

/** Keys are kept at least 24 hours; these are kept 48. */
export const IDEMPOTENCY_RETENTION_HOURS = 48;

/** Who used a key (the API key's hash, or a web user's scope), for which method and path. */
export type IdempotencyScope = Pick<IdempotencyRecord, 'apiKeyHash' | 'method' | 'path' | 'key'>;

type StoredOutcome = Pick<IdempotencyRecord, 'requestHash' | 'responseStatus' | 'responseBody'>;

export interface IdempotentOutcome<T> {
  replayed: boolean;
  status: number;
  body: T;
}

/** The key's record was committed after this request's first statement began (see once()). */
class RecordedMeanwhile extends Error {}

/** A 64-bit advisory lock id for a scope: held by the request that runs, for its transaction. */
function lockId(scope: IdempotencyScope): string {
  const digest = createHash('sha256')
    .update(`${scope.apiKeyHash}\n${scope.method}\n${scope.path}\n${scope.key}`)
    .digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * The web app's forms are scoped to the signed-in user rather than to an API key (a user's key
 * may be rotated while a form is open); the prefix keeps the two kinds of scope apart.
 */
export function webUserScope(userId: string): string {
  return createHash('sha256').update(`web-user:${userId}`).digest('hex');
}

@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `work` at most once per scope: in one transaction with the record of its outcome, so a
   * success is stored exactly when its writes commit and a failure stores nothing (a corrected
   * retry with the same key runs). A repeat with the same request hash replays the stored body;
   * with another hash it is 422. While the first still runs, a repeat is 409, or with `wait` it
   * waits for the first to finish and then replays it (a browser's double click).
   */
  async run<T>(
    scope: IdempotencyScope,
    hash: string,
    status: number,
    work: () => Promise<T>,
    options: { wait?: boolean } = {},
  ): Promise<IdempotentOutcome<T>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await retryOnConflict(
          () =>
            inTransaction(this.dataSource, (manager) =>
              this.once(manager, scope, hash, status, work, options),
            ),
          this.logger,
        );
      } catch (error) {
        // Recorded by the request that held the key just before this one took it: run again,
        // and this time the record is seen and replayed.
        if (!(error instanceof RecordedMeanwhile) || attempt >= 3) throw error;
      }
    }
  }

  private async once<T>(
    manager: EntityManager,
    scope: IdempotencyScope,
    hash: string,
    status: number,
    work: () => Promise<T>,
    options: { wait?: boolean },
  ): Promise<IdempotentOutcome<T>> {
    // The key's lock and its stored outcome in one round trip (the lock first: a MATERIALIZED
    // CTE). The record is read with the statement's snapshot, taken before the lock was granted:
    // one its previous holder committed in between is not seen here, and the insert below finds
    // it instead (RecordedMeanwhile, then the request runs again and replays it).
    const lock = options.wait
      ? 'SELECT true AS locked FROM (SELECT pg_advisory_xact_lock($1::bigint)) AS waited'
      : 'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked';
    const { rows } = await runStatement<Partial<StoredOutcome> & { locked: boolean }>(
      manager,
      `WITH lock AS MATERIALIZED (${lock})
       SELECT lock.locked, r.request_hash AS "requestHash",
              r.response_status AS "responseStatus", r.response_body AS "responseBody"
         FROM lock
         LEFT JOIN idempotency_record r
           ON lock.locked AND r.api_key_hash = $2 AND r.method = $3 AND r.path = $4 AND r.key = $5`,
      [lockId(scope), scope.apiKeyHash, scope.method, scope.path, scope.key],
    );
    const [{ locked, ...stored }] = rows;
    if (!locked) {
      throw new ConflictException(
        'A request with this Idempotency-Key is still in flight; retry once it has finished',
      );
    }
    if (stored.requestHash != null) {
      if (stored.requestHash !== hash) throw new IdempotencyKeyReusedException();
      return {
        replayed: true,
        status: stored.responseStatus!,
        body: JSON.parse(stored.responseBody!) as T,
      };
    }
    const body = await work();
    // Sent with the COMMIT: a record committed meanwhile (see above) refuses it, as a duplicate.
    atCommit(
      manager,
      {
        sql: `INSERT INTO idempotency_record
                (api_key_hash, method, path, key, request_hash, response_status, response_body)
              VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        parameters: [
          scope.apiKeyHash,
          scope.method,
          scope.path,
          scope.key,
          hash,
          status,
          JSON.stringify(body ?? null),
        ],
      },
      (error) =>
        (error.driverError as { code?: string }).code === '23505'
          ? new RecordedMeanwhile()
          : undefined,
    );
    return { replayed: false, status, body };
  }

  /** Forgets records past retention; returns how many. */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - IDEMPOTENCY_RETENTION_HOURS * 3600_000);
    const result = await this.dataSource.query(
      'DELETE FROM idempotency_record WHERE created_at < $1',
      [cutoff],
    );
    return (result as [unknown, number])[1];
  }
}
