import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The stored outcome of a successful request made with an Idempotency-Key. */
@Entity()
@Unique('idempotency_record_scope', ['apiKeyHash', 'method', 'path', 'key'])
export class IdempotencyRecord {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  /** Whose key: the SHA-256 of the API key, or webUserScope() for the web app's forms. */
  @Column({ type: 'char', length: 64 })
  apiKeyHash: string;

  @Column({ length: 8 })
  method: string;

  @Column({ length: 400 })
  path: string;

  @Column({ length: 255 })
  key: string;

  /** SHA-256 of the body: canonical JSON (key order ignored), or the raw bytes of a CSV. */
  @Column({ type: 'char', length: 64 })
  requestHash: string;

  @Column({ type: 'smallint' })
  responseStatus: number;

  /** The response exactly as first sent, so replays are byte-identical. */
  @Column({ type: 'text' })
  responseBody: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  @Index()
  createdAt: Date;
}
