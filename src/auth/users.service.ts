import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, QueryFailedError, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.service.js';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { Environment } from '../config/environment.js';
import {
  ChangeCache,
  ChangeNotifications,
  notifyChange,
} from '../database/change-notifications.js';
import { TransactionRunner } from '../database/transaction.js';
import { generateApiKey, hashApiKey } from './api-key.js';
import { CreateUserDto, UpdateUserDto } from './dto/create-user.dto.js';
import { hashPassword, verifyPassword } from './password.js';
import { can } from './permissions.js';
import { Role } from './role.js';
import { UserHub } from './user-hub.entity.js';
import { User } from './user.entity.js';

/** What an admin may change of a user, field by field, as PATCH /api/users/:id compares it. */
export interface UserAccess {
  role: Role;
  hubs: string[];
}

/** The fields that differ, each as [before, after]: what a change did, said once. */
export type UserChanges = Partial<{ [K in keyof UserAccess]: [UserAccess[K], UserAccess[K]] }>;

export function accessChanges(before: UserAccess, after: UserAccess): UserChanges {
  const changes: UserChanges = {};
  if (before.role !== after.role) changes.role = [before.role, after.role];
  if (before.hubs.join() !== after.hubs.join()) changes.hubs = [before.hubs, after.hubs];
  return changes;
}

/** A user as a request gets it: its own copy, so that nothing it does reaches the cache. */
function copyOf(user: User): User {
  const copy = Object.assign(Object.create(User.prototype) as User, user);
  if (user.hubs) copy.hubs = [...user.hubs];
  if (user.memberships) copy.memberships = user.memberships.map((m) => ({ ...m }));
  return copy;
}

@Injectable()
export class UsersService {
  /**
   * Active users by key hash, with their hubs: every API request asks, and this answers without
   * a round trip. Every write of a user or their hubs notifies `user` with the user's id (in its
   * transaction), which forgets the entry in every process before the writer answers; a lost
   * listener bypasses it (see ChangeNotifications).
   */
  private readonly byKey: ChangeCache<User>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly transactions: TransactionRunner,
    private readonly config: ConfigService<Environment, true>,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    changes: ChangeNotifications,
  ) {
    this.byKey = changes.cache(['user'], {
      max: 10_000,
      ttlMs: 60_000,
      changeKey: (user) => user.id,
    });
  }

  /**
   * The active user, with their hubs, of the API key whose hash (bearerTokenHash, computed once
   * per request) is given: what every API request asks first.
   */
  async findActiveByApiKeyHash(hash: string): Promise<User | null> {
    const user = await this.byKey.get(
      hash,
      async () =>
        (await this.withHubs()
          .where('u.apiKeyHash = :hash AND u.revokedAt IS NULL', { hash })
          .getOne()) ?? undefined,
    );
    return user ? copyOf(user) : null;
  }

  async create(dto: CreateUserDto): Promise<{ user: User; apiKey: string }> {
    if (await this.users.existsBy({ name: dto.name })) {
      throw new ConflictException(`A user named "${dto.name}" already exists`);
    }
    const hubs = this.hubsFor(dto.role, dto.hubs, []);
    const apiKey = generateApiKey();
    const password = dto.password === undefined ? {} : await this.passwordFields(dto.password);
    const user = await this.transactions.run(async (manager) => {
      const saved = await manager.save(
        manager.create(User, {
          name: dto.name,
          role: dto.role,
          apiKeyHash: hashApiKey(apiKey),
          ...password,
        }),
      );
      await this.setHubs(manager, saved.id, hubs);
      saved.hubs = hubs;
      await this.recordUser(manager, 'user.created', null, saved);
      await notifyChange(manager, 'user', saved.id);
      return saved;
    });
    return { user, apiKey };
  }

  /**
   * One audit record of a change to a user, in the change's transaction (the diff leaves keys
   * and password hashes out). A change of role or hubs is `user.updated` with the user as it was
   * and as it is, `hubs` as a list of codes.
   */
  private recordUser(
    manager: EntityManager,
    action: string,
    before: (Partial<User> & Pick<User, 'id'>) | null,
    after: (Partial<User> & Pick<User, 'id'>) | null,
  ): Promise<void> {
    const id = (after ?? before)!.id;
    return this.audit.record(manager, { action, target: { type: 'user', id }, before, after });
  }

  /**
   * An admin changes a user's role or hubs (SPEC "Hubs a user may act at"). The change takes
   * effect on the user's next request, in every process (the notification forgets the user).
   * Returns the user as it is now and what changed, field by field ([before, after]).
   */
  async update(id: string, dto: UpdateUserDto): Promise<{ user: User; changes: UserChanges }> {
    const user = await this.getWithHubs(id);
    if (user.revokedAt) throw new ConflictException('This user is revoked');
    const before: UserAccess = { role: user.role, hubs: user.hubs ?? [] };
    const role = dto.role ?? user.role;
    const after: UserAccess = { role, hubs: this.hubsFor(role, dto.hubs, before.hubs) };
    const changes = accessChanges(before, after);
    if (changes.role && before.role === Role.Admin) await this.assertNotLastAdmin();
    if (changes.role || changes.hubs) {
      await this.transactions.run(async (manager) => {
        if (changes.role) await manager.update(User, user.id, { role: after.role });
        if (changes.hubs) await this.setHubs(manager, user.id, after.hubs);
        await this.recordUser(manager, 'user.updated', user, { ...user, ...after });
        await notifyChange(manager, 'user', user.id);
      });
    }
    return { user: Object.assign(user, after), changes };
  }

  /**
   * The hubs a user of `role` belongs to, from what the request gave (`given`) and what the
   * user had (`current`): a warehouse user at least one (by default theirs, else the default
   * hub); a coordinator those given or kept, none meaning every hub; an admin none.
   */
  private hubsFor(role: Role, given: string[] | undefined, current: string[]): string[] {
    if (role === Role.Admin) {
      if (given?.length) {
        throw new UnprocessableEntityException(
          'An admin acts at every hub: send no hubs for an admin',
        );
      }
      return [];
    }
    const hubs = [...(given ?? current)].sort();
    if (role === Role.Warehouse) {
      if (given && hubs.length === 0) {
        throw new UnprocessableEntityException('A warehouse user belongs to at least one hub');
      }
      if (hubs.length === 0) return [this.config.get('DEFAULT_HUB', { infer: true })];
    }
    return hubs;
  }

  /** Replaces the user's hubs; an unknown code is the client's 422 (the foreign key says so). */
  private async setHubs(manager: EntityManager, userId: string, hubs: string[]): Promise<void> {
    await manager.delete(UserHub, { userId });
    if (hubs.length === 0) return;
    try {
      await manager.insert(
        UserHub,
        hubs.map((hubCode) => ({ userId, hubCode })),
      );
    } catch (error) {
      const unknown = unknownHub(error);
      if (unknown) throw new UnprocessableEntityException(`Unknown hub ${unknown}`);
      throw error;
    }
  }

  private withHubs() {
    return this.users.createQueryBuilder('u').leftJoinAndSelect('u.memberships', 'm');
  }

  private async getWithHubs(id: string): Promise<User> {
    const user = await this.withHubs().where('u.id = :id', { id }).getOne();
    if (!user) throw new NotFoundException(`No user ${id}`);
    return user;
  }

  /**
   * Sets the web app password of user `id`: an admin may set anyone's, others only their own.
   * Sessions begun before now end (see WebSession), so a leaked password stops working at once.
   */
  async setPassword(id: string, password: string, actor: User): Promise<void> {
    if (actor.id !== id && !can(actor, 'users.manage')) {
      throw new ForbiddenException("Only an admin may set another user's password");
    }
    const user = await this.get(id);
    if (user.revokedAt) throw new ConflictException('This user is revoked');
    const fields = await this.passwordFields(password);
    await this.transactions.run(async (manager) => {
      await manager.update(User, user.id, fields);
      await this.recordUser(manager, 'user.passwordSet', user, { ...user, ...fields });
      await notifyChange(manager, 'user', user.id);
    });
  }

  /** The active user with this name and password, or null (unknown, revoked, no or wrong password). */
  async findByPassword(name: string, password: string): Promise<User | null> {
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.name = :name AND u.revokedAt IS NULL', { name })
      .getOne();
    const matches = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !matches) return null;
    delete (user as Partial<User>).passwordHash;
    return user;
  }

  /** An active user, for a web session; null once revoked. */
  findActive(id: string): Promise<User | null> {
    return this.withHubs().where('u.id = :id AND u.revokedAt IS NULL', { id }).getOne();
  }

  /** The hub the web app shows the user, as they last chose it. */
  async setWebHub(id: string, hub: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.update(User, id, { webHub: hub });
      await notifyChange(manager, 'user', id);
    });
  }

  async setLanguage(id: string, language: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const user = await manager.findOneBy(User, { id });
      if (!user || user.language === language) return;
      await manager.update(User, id, { language });
      await this.recordUser(manager, 'user.updated', user, { ...user, language });
      await notifyChange(manager, 'user', id);
    });
  }

  private async passwordFields(password: string) {
    return { passwordHash: await hashPassword(password), passwordChangedAt: this.clock.now() };
  }

  async list(page: PageQuery): Promise<Page<User>> {
    const found = await paginate(
      this.users.createQueryBuilder('u'),
      page,
      ['u.createdAt', 'u.id'],
      'DESC',
      (u) => [u.createdAt.toISOString(), u.id],
    );
    // The page's hubs in one more query (a join would make the page's LIMIT count memberships).
    const memberships = found.items.length
      ? await this.users.manager.find(UserHub, {
          where: { userId: In(found.items.map((u) => u.id)) },
        })
      : [];
    for (const user of found.items) {
      user.hubs = memberships
        .filter((m) => m.userId === user.id)
        .map((m) => m.hubCode)
        .sort();
    }
    return found;
  }

  /** A new key replaces the old one at once; a revoked user stays revoked. */
  async rotateKey(id: string): Promise<{ user: User; apiKey: string }> {
    const user = await this.getWithHubs(id);
    if (user.revokedAt)
      throw new ConflictException('This user is revoked; create a new user instead');
    const apiKey = generateApiKey();
    user.apiKeyHash = hashApiKey(apiKey);
    await this.transactions.run(async (manager) => {
      await manager.update(User, user.id, { apiKeyHash: user.apiKeyHash });
      // No field to show: the key and its hash are secrets, and the action says what happened.
      await this.recordUser(manager, 'user.keyRotated', user, user);
      await notifyChange(manager, 'user', user.id);
    });
    return { user, apiKey };
  }

  async revoke(id: string): Promise<void> {
    const user = await this.get(id);
    if (user.revokedAt) return;
    if (user.role === Role.Admin) await this.assertNotLastAdmin('revoked');
    const revokedAt = this.clock.now();
    await this.transactions.run(async (manager) => {
      await manager.update(User, user.id, { revokedAt });
      await this.recordUser(manager, 'user.revoked', user, { ...user, revokedAt });
      await notifyChange(manager, 'user', user.id);
    });
  }

  private async assertNotLastAdmin(change = 'given another role'): Promise<void> {
    const admins = await this.users.countBy({ role: Role.Admin, revokedAt: IsNull() });
    if (admins <= 1) {
      throw new UnprocessableEntityException(`The last active admin cannot be ${change}`);
    }
  }

  private async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundException(`No user ${id}`);
    return user;
  }
}

/** The hub code a user_hub row named that the hub table does not hold, if that is the error. */
function unknownHub(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driver = (error as QueryFailedError & { driverError?: { code?: string; detail?: string } })
    .driverError;
  if (driver?.code !== '23503') return undefined;
  return /\(hub_code\)=\(([^)]*)\)/.exec(driver.detail ?? '')?.[1];
}
