import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource, EntityManager } from 'typeorm';

/** The one channel every change notification travels on. */
export const CHANGES_CHANNEL = 'relief_hub_changes';

/**
 * The application_name of the listening connections, as pg_stat_activity shows them: this, a
 * space and the listener's id (what its acknowledgements carry).
 */
export const CHANGE_LISTENER = 'relief-hub change listener';

/**
 * What a cache keeps and a writer changes. A notification names a topic and, optionally, the key
 * of what changed (a user id, a SKU); without a key, everything of the topic is forgotten.
 */
export type ChangeTopic = 'user' | 'hub' | 'destination' | 'item' | 'kit' | 'route';

interface ChangeMessage {
  /**
   * The topic; '*' (a test's reset, an operator) forgets everything; 'ack' is a listener saying
   * it has acted on notification `n` (its caches forgot what it named).
   */
  t: ChangeTopic | '*' | 'ack';
  k?: string;
  /** Names the notification, so that its writer can collect the listeners' acknowledgements. */
  n: string;
  /** An acknowledgement's listener id. */
  l?: string;
}

/** The last notification each transaction sent, for TransactionRunner to wait for after commit. */
const lastSent = new WeakMap<EntityManager, string>();

/**
 * The listeners that acknowledged each notification this process sent, by its name (`n`),
 * gathered from the moment it is sent: an acknowledgement may arrive before its writer starts
 * waiting. A transaction rolled back leaves its entry; they are dropped after a minute.
 */
const acknowledged = new Map<string, { since: number; by: Set<string>; check?: () => void }>();

/**
 * Tells every process (API, workers, this one) that `topic` (`key` of it, or all of it when
 * absent) changed, INSIDE the writer's transaction: PostgreSQL delivers it when that commits,
 * and never when it rolls back. A write the caches of another process must see at once (a
 * revoked key) goes through this, or waits out the caches' backstop.
 *
 * An operator editing those tables by hand does the same:
 * `SELECT pg_notify('relief_hub_changes', '{"t":"*","n":"manual"}')`.
 */
export async function notifyChange(
  manager: EntityManager,
  topic: ChangeTopic | '*',
  key?: string | number,
): Promise<void> {
  const message: ChangeMessage = { t: topic, n: randomUUID() };
  if (key !== undefined) message.k = String(key);
  const now = Date.now();
  for (const [n, entry] of acknowledged) {
    if (entry.since > now - 60_000) break;
    acknowledged.delete(n);
  }
  acknowledged.set(message.n, { since: now, by: new Set() });
  await manager.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify(message)]);
  lastSent.set(manager, message.n);
}

/** How long a writer waits for the listeners' acknowledgements before it answers anyway. */
const DELIVERY_WAIT_MS = 1_000;
/** Reconnection backoff of the listening connection, first and longest pause. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * The listening side of change notifications: one dedicated `pg` client (not from TypeORM's
 * pool, which must never hold a connection for ever) that LISTENs on CHANGES_CHANNEL and clears
 * the caches registered on each topic as notifications arrive.
 *
 * Caches are trusted only while the client listens. When its connection is lost, every cache is
 * cleared at once and bypassed (each lookup reads the database, as without a cache) until the
 * connection is back and listening again; notifications sent meanwhile are lost with it, which
 * is why nothing kept before the loss may be used after it.
 *
 * Each listener acknowledges every notification once its caches have acted on it (a
 * notification on the same channel), and a writer waits for the acknowledgements of every
 * listener connected to the database before it answers (see `delivered`).
 */
@Injectable()
export class ChangeNotifications implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeNotifications.name);
  /** This listener's name in its acknowledgements and its application_name. */
  private readonly id = randomBytes(6).toString('hex');
  private readonly url: string;
  private readonly caches = new Map<ChangeTopic, Set<(key?: string) => void>>();
  private client: pg.Client | null = null;
  private listening = false;
  private closing = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failures = 0;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.url = (dataSource.options as { url: string }).url;
  }

  /** Whether caches may be used now: the listener is connected and listening. */
  get active(): boolean {
    return this.listening;
  }

  /** Calls `forget(key)` on every change of `topic` (key undefined: forget all of it). */
  subscribe(topic: ChangeTopic, forget: (key?: string) => void): void {
    let handlers = this.caches.get(topic);
    if (!handlers) this.caches.set(topic, (handlers = new Set()));
    handlers.add(forget);
  }

  /** A cache of lookups, cleared by the notifications of `topics`. */
  cache<V>(topics: ChangeTopic[], options: ChangeCacheOptions<V>): ChangeCache<V> {
    const cache = new ChangeCache<V>(this, options);
    for (const topic of topics) this.subscribe(topic, (key) => cache.forget(key));
    return cache;
  }

  /**
   * After the commit of a transaction that notified through `manager`: waits (up to a second)
   * until every listener connected to the database (every process, this one included) has
   * acknowledged its last notification, so that the writer's client is not told "done" while
   * another process may still serve what it changed. Waiting only for this process's own
   * listener is not enough: another process's listener may not have been scheduled yet, and
   * the client's next request can reach that process first (seen on a loaded 2-core machine).
   *
   * A listener that connects after the commit never acknowledges, but it starts with empty
   * caches; the wait then ends at its bound.
   */
  async delivered(manager: EntityManager): Promise<void> {
    const nonce = lastSent.get(manager);
    const entry = nonce === undefined ? undefined : acknowledged.get(nonce);
    if (!entry) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const client = this.client;
      if (!client || !this.listening) return;
      const { rows } = await client.query<{ name: string }>(
        `SELECT application_name AS name FROM pg_stat_activity
          WHERE datname = current_database() AND application_name LIKE $1`,
        [`${CHANGE_LISTENER} %`],
      );
      const listeners = rows.map((row) => row.name.slice(CHANGE_LISTENER.length + 1));
      const all = await new Promise<boolean>((resolve) => {
        // Lost meanwhile: this process hears no more acknowledgements, and uses no cache.
        entry.check = () => {
          if (!this.listening || listeners.every((id) => entry.by.has(id))) resolve(true);
        };
        entry.check();
        timer = setTimeout(() => resolve(false), DELIVERY_WAIT_MS);
      });
      if (!all) {
        const missing = listeners.filter((id) => !entry.by.has(id)).join(', ');
        this.logger.warn(
          `Listeners ${missing} did not acknowledge a change within ${DELIVERY_WAIT_MS} ms`,
        );
      }
    } catch (error) {
      // The listener's connection failed meanwhile: this process no longer uses its caches.
      this.logger.warn(
        `Could not wait for a change's acknowledgements: ${(error as Error).message}`,
      );
    } finally {
      clearTimeout(timer);
      acknowledged.delete(nonce!);
    }
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.lost();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = null;
    if (this.closing) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `${CHANGE_LISTENER} ${this.id}`,
    });
    client.on('notification', (message) => this.received(client, message.payload));
    // The server ending the connection (a restart, pg_terminate_backend) comes as an error and
    // then an end; both mean the same, once.
    client.on('error', (error) => this.dropped(client, error.message));
    client.on('end', () => this.dropped(client, 'connection ended'));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      this.dropped(client, (error as Error).message);
      return;
    }
    if (this.client !== client || this.closing) return;
    // Whatever a lookup stored before now was not covered by a listener: start empty.
    this.clearAll();
    this.listening = true;
    if (this.failures > 0) this.logger.log('Listening for changes again: caches are in use');
    this.failures = 0;
  }

  private dropped(client: pg.Client, reason: string): void {
    if (this.client !== client) return; // already handled, or replaced
    this.client = null;
    client.end().catch(() => undefined);
    this.lost();
    if (this.closing) return;
    this.failures += 1;
    const pause = Math.min(RECONNECT_FIRST_MS * 2 ** (this.failures - 1), RECONNECT_MAX_MS);
    if (this.failures === 1 || pause === RECONNECT_MAX_MS) {
      this.logger.warn(
        `Change listener lost (${reason}); caches bypassed, reconnecting in ${pause} ms`,
      );
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), pause);
    this.reconnectTimer.unref();
  }

  /** Fail closed: nothing kept may be used, nor kept, until the listener is back. */
  private lost(): void {
    this.listening = false;
    this.clearAll();
    for (const entry of acknowledged.values()) entry.check?.();
  }

  private clearAll(): void {
    for (const handlers of this.caches.values()) for (const forget of handlers) forget();
  }

  private received(client: pg.Client, payload: string | undefined): void {
    let message: ChangeMessage | null = null;
    try {
      message = JSON.parse(payload ?? '') as ChangeMessage | null;
    } catch {
      // handled below
    }
    if (typeof message !== 'object' || message === null) {
      // Not one of ours: forget everything rather than guess what it meant.
      this.clearAll();
      return;
    }
    if (message.t === 'ack') {
      const entry = acknowledged.get(message.n);
      if (entry && message.l) {
        entry.by.add(message.l);
        entry.check?.();
      }
      return;
    }
    if (message.t === '*') this.clearAll();
    else for (const forget of this.caches.get(message.t) ?? []) forget(message.k);
    if (typeof message.n !== 'string') return;
    const ack: ChangeMessage = { t: 'ack', n: message.n, l: this.id };
    client
      .query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify(ack)])
      .catch(() => undefined); // a lost connection is handled by its 'error' event
  }
}

export interface ChangeCacheOptions<V> {
  /** Most entries kept; the oldest is dropped past it. */
  max: number;
  /** A backstop: an entry older than this is read again (a change no notification told of). */
  ttlMs: number;
  /**
   * The key a notification names an entry by, when it is not the key it is looked up by (a user
   * looked up by key hash, changed by id).
   */
  changeKey?: (value: V) => string;
}

/**
 * Lookups kept while the change listener listens, forgotten by the notifications of their topics.
 * Only what was found is kept (an unknown code or key is asked again each time).
 */
export class ChangeCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  /** Changes with every notification: a lookup that read before one must not keep what it read. */
  private generation = 0;

  constructor(
    private readonly changes: ChangeNotifications,
    private readonly options: ChangeCacheOptions<V>,
  ) {}

  /** The value of `key`, kept or loaded (`load` resolving undefined: not found, not kept). */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const kept = this.kept(key);
    if (kept !== undefined) return kept;
    const generation = this.generation;
    const value = await load();
    if (value !== undefined) this.keep(generation, key, value);
    return value;
  }

  /** The values of `keys`, loading only those not kept, in one call of `load`. */
  async getMany(
    keys: string[],
    load: (missing: string[]) => Promise<Map<string, V>>,
  ): Promise<Map<string, V>> {
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const kept = this.kept(key);
      if (kept === undefined) missing.push(key);
      else found.set(key, kept);
    }
    if (missing.length === 0) return found;
    const generation = this.generation;
    const loaded = await load(missing);
    for (const [key, value] of loaded) {
      found.set(key, value);
      this.keep(generation, key, value);
    }
    return found;
  }

  /** Forgets `key` (by its change key when the cache has one), or everything. */
  forget(key?: string): void {
    this.generation += 1;
    if (key === undefined) {
      this.entries.clear();
      return;
    }
    const { changeKey } = this.options;
    if (!changeKey) {
      this.entries.delete(key);
      return;
    }
    for (const [k, entry] of this.entries)
      if (changeKey(entry.value) === key) this.entries.delete(k);
  }

  private kept(key: string): V | undefined {
    if (!this.changes.active) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  private keep(generation: number, key: string, value: V): void {
    // A change notified while the value was read may be newer than it; and with the listener
    // down, nothing is kept.
    if (generation !== this.generation || !this.changes.active) return;
    this.entries.delete(key);
    if (this.entries.size >= this.options.max) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, until: Date.now() + this.options.ttlMs });
  }
}
