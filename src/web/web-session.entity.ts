import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../auth/user.entity.js';

/**
 * A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so reading
 * this table does not let anyone sign in. Sessions end after an idle time, on sign-out, when the
 * user's password is set again, and when the user is revoked.
 */
@Entity()
export class WebSession {
  /** SHA-256 of the cookie's token, hex. */
  @PrimaryColumn({ type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'uuid' })
  @Index()
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn()
  user: User;

  /** The synchronizer token every form of this session carries. */
  @Column({ type: 'char', length: 43 })
  csrfToken: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Moved forward as the session is used; past it, the session is over. */
  @Column({ type: 'timestamptz', precision: 3 })
  @Index()
  expiresAt: Date;
}
