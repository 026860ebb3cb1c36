import {
  AfterLoad,
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Role } from './role.js';
import { UserHub } from './user-hub.entity.js';

@Entity()
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ length: 200, unique: true })
  name: string;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  role: Role;

  /** SHA-256 of the API key, hex. The key itself is shown once and never stored. */
  @Column({ type: 'char', length: 64, unique: true })
  apiKeyHash: string;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;

  /** argon2id hash (PHC string) of the web app password; null: the user cannot sign in there. */
  @Column({ type: 'varchar', length: 200, nullable: true, select: false })
  passwordHash: string | null;

  /** Web sessions begun before this are over: setting a password signs the user out everywhere. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  passwordChangedAt: Date | null;

  /** The web app's language, as the user last chose it; null until they choose. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  language: string | null;

  /** The hub the web app shows, as the user last chose it; null: their default hub. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  webHub: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Loaded with the user wherever it is asked what they may do (API key guard, web session). */
  @OneToMany(() => UserHub, (membership) => membership.user)
  memberships?: UserHub[];

  /**
   * The codes of the hubs the user belongs to, sorted; set when `memberships` was loaded and
   * undefined otherwise, so that a user loaded without them acts at no hub (fail closed) rather
   * than everywhere.
   */
  hubs?: string[];

  @AfterLoad()
  protected collectHubs(): void {
    if (this.memberships) this.hubs = this.memberships.map((m) => m.hubCode).sort();
  }
}
