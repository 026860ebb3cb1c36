import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.service.js';
import { TransactionRunner } from '../database/transaction.js';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { generateApiKey, hashApiKey } from './api-key.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { hashPassword, verifyPassword } from './password.js';
import { can } from './permissions.js';
import { Role } from './role.js';
import { User } from './user.entity.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly clock: Clock,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  findActiveByApiKey(apiKey: string): Promise<User | null> {
    return this.users.findOneBy({ apiKeyHash: hashApiKey(apiKey), revokedAt: IsNull() });
  }

  async create(dto: CreateUserDto): Promise<{ user: User; apiKey: string }> {
    if (await this.users.existsBy({ name: dto.name })) {
      throw new ConflictException(`A user named "${dto.name}" already exists`);
    }
    const apiKey = generateApiKey();
    const password = dto.password === undefined ? {} : await this.passwordFields(dto.password);
    const user = await this.transactions.run(async (manager) => {
      const users = manager.getRepository(User);
      const created = await users.save(
        users.create({
          name: dto.name,
          role: dto.role,
          apiKeyHash: hashApiKey(apiKey),
          ...password,
        }),
      );
      await this.recordUser(manager, 'user.created', null, created);
      return created;
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
    before: User | null,
    after: User | null,
  ): Promise<void> {
    const id = (after ?? before)!.id;
    return this.audit.record(manager, { action, target: { type: 'user', id }, before, after });
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
    return this.users.findOneBy({ id, revokedAt: IsNull() });
  }

  async setLanguage(id: string, language: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const user = await manager.findOneBy(User, { id });
      if (!user || user.language === language) return;
      await manager.update(User, id, { language });
      await this.recordUser(manager, 'user.updated', user, { ...user, language });
    });
  }

  private async passwordFields(password: string) {
    return { passwordHash: await hashPassword(password), passwordChangedAt: this.clock.now() };
  }

  list(page: PageQuery): Promise<Page<User>> {
    return paginate(
      this.users.createQueryBuilder('u'),
      page,
      ['u.createdAt', 'u.id'],
      'DESC',
      (u) => [u.createdAt.toISOString(), u.id],
    );
  }

  /** A new key replaces the old one at once; a revoked user stays revoked. */
  async rotateKey(id: string): Promise<{ user: User; apiKey: string }> {
    const user = await this.get(id);
    if (user.revokedAt)
      throw new ConflictException('This user is revoked; create a new user instead');
    const apiKey = generateApiKey();
    user.apiKeyHash = hashApiKey(apiKey);
    await this.transactions.run(async (manager) => {
      await manager.update(User, user.id, { apiKeyHash: user.apiKeyHash });
      // No field to show: the key and its hash are secrets, and the action says what happened.
      await this.recordUser(manager, 'user.keyRotated', user, user);
    });
    return { user, apiKey };
  }

  async revoke(id: string): Promise<void> {
    const user = await this.get(id);
    if (user.revokedAt) return;
    if (user.role === Role.Admin) {
      const admins = await this.users.countBy({ role: Role.Admin, revokedAt: IsNull() });
      if (admins <= 1) {
        throw new UnprocessableEntityException('The last active admin cannot be revoked');
      }
    }
    const revokedAt = this.clock.now();
    await this.transactions.run(async (manager) => {
      await manager.update(User, user.id, { revokedAt });
      await this.recordUser(manager, 'user.revoked', user, { ...user, revokedAt });
    });
  }

  private async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundException(`No user ${id}`);
    return user;
  }
}
