import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { User } from '../auth/user.entity.js';
import { Clock } from '../common/clock.service.js';
import { WebSession } from './web-session.entity.js';

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** Moving the expiry forward costs a write; do it at most once a minute per session. */
const TOUCH_AFTER_MS = 60_000;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

export type SessionLookup =
  | { state: 'active'; session: WebSession; user: User }
  /** The cookie named a session that is over (idle, signed out, password reset, user revoked). */
  | { state: 'ended' };

/** Server-side sessions: the browser holds an opaque random token, the database its hash. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Starts a session; returns the token for the cookie (shown to the browser only). */
  async start(user: User): Promise<{ token: string; session: WebSession }> {
    const now = this.clock.now();
    const token = randomToken();
    const repository = this.dataSource.getRepository(WebSession);
    // Ended sessions of anyone are cleared here, so the table stays small without a job.
    await repository.createQueryBuilder().delete().where('expires_at < :now', { now }).execute();
    const session = repository.create({
      tokenHash: hashToken(token),
      userId: user.id,
      csrfToken: randomToken(),
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
    });
    await repository.insert(session);
    return { token, session };
  }

  async find(token: string): Promise<SessionLookup> {
    const now = this.clock.now();
    const repository = this.dataSource.getRepository(WebSession);
    // The session, its user and the user's hubs in one query: what every page asks first.
    const session = await repository
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.user', 'u')
      .leftJoinAndSelect('u.memberships', 'm')
      .where('s.tokenHash = :hash', { hash: hashToken(token) })
      .getOne();
    if (!session) return { state: 'ended' };
    const { user } = session;
    const over =
      session.expiresAt <= now ||
      user.revokedAt !== null ||
      (user.passwordChangedAt !== null && session.createdAt < user.passwordChangedAt);
    if (over) {
      await repository.delete({ tokenHash: session.tokenHash });
      return { state: 'ended' };
    }
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    if (expiresAt.getTime() - session.expiresAt.getTime() > TOUCH_AFTER_MS) {
      await repository.update({ tokenHash: session.tokenHash }, { expiresAt });
      session.expiresAt = expiresAt;
    }
    return { state: 'active', session, user };
  }

  async end(token: string): Promise<void> {
    await this.dataSource.getRepository(WebSession).delete({ tokenHash: hashToken(token) });
  }
}
