import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Action, assertCan, can, Permitted } from '../auth/permissions.js';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { Environment } from '../config/environment.js';
import { AuditService } from '../audit/audit.service.js';
import {
  ChangeCache,
  ChangeNotifications,
  notifyChange,
} from '../database/change-notifications.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { CreateHubDto } from './dto/hub.dto.js';
import { Hub } from './hub.entity.js';

@Injectable()
export class HubsService {
  /**
   * Hubs by code, as found: every request resolves one. Unknown codes are not kept: a hub
   * created meanwhile is found at once. See ChangeNotifications for how a change is seen.
   */
  private readonly byCodeCache: ChangeCache<Hub>;

  constructor(
    @InjectRepository(Hub) private readonly hubs: Repository<Hub>,
    private readonly config: ConfigService<Environment, true>,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    changes: ChangeNotifications,
  ) {
    this.byCodeCache = changes.cache(['hub'], { max: 1_000, ttlMs: 60_000 });
  }

  list(page: PageQuery): Promise<Page<Hub>> {
    return paginate(this.hubs.createQueryBuilder('h'), page, ['h.code'], 'ASC', (h) => [h.code]);
  }

  /** Every hub, by code: a network has a handful (the weekly reports' schedules). */
  all(): Promise<Hub[]> {
    return this.hubs.find({ order: { code: 'ASC' } });
  }

  /**
   * The hub a request acts at, and the one check that the user may `action` there (SPEC "Hubs a
   * user may act at"): the hub `code` names, else the user's default hub. An unknown code is
   * the client's 422; a hub the user does not act at is a 403 naming it, before anything is
   * read or written. Every route that reads or writes a hub's data gets its hub here; there is
   * no way to get one for a request without the user.
   */
  async resolveFor(user: Permitted, action: Action, code?: string): Promise<Hub> {
    const hub = await this.byCode(code ?? this.defaultCodeFor(user));
    assertCan(user, action, hub.code);
    return hub;
  }

  /**
   * For a record found by its id (a dispatch, a receipt, a report job) at hub `hubCode`: a user
   * who may not `action` there must not learn that the id exists, so they get the 404 of an
   * unknown id (`notFound`, the same message), never a 403.
   */
  assertFoundAt(user: Permitted, action: Action, hubCode: string, notFound: string): void {
    if (!can(user, action, hubCode)) throw new NotFoundException(notFound);
  }

  /** A request's hub when it names none: the user's one hub, else DEFAULT_HUB. */
  defaultCodeFor(user: Permitted): string {
    if (user.hubs?.length === 1) return user.hubs[0];
    return this.config.get('DEFAULT_HUB', { infer: true });
  }

  private async byCode(code: string): Promise<Hub> {
    const hub = await this.byCodeCache.get(
      code,
      async () => (await currentManager(this.hubs.manager).findOneBy(Hub, { code })) ?? undefined,
    );
    if (!hub) throw new UnprocessableEntityException(`Unknown hub ${code}`);
    return hub;
  }

  async get(code: string): Promise<Hub> {
    const hub = await this.hubs.findOneBy({ code });
    if (!hub) throw new NotFoundException(`No hub ${code}`);
    return hub;
  }

  async create(dto: CreateHubDto): Promise<Hub> {
    if (await this.hubs.existsBy({ code: dto.code })) {
      throw new ConflictException(`A hub with code ${dto.code} already exists`);
    }
    return this.transactions.run(async (manager) => {
      const hubs = manager.getRepository(Hub);
      const hub = await hubs.save(
        hubs.create({
          ...dto,
          shortName: dto.shortName ?? dto.name,
          countryCode: dto.countryCode ?? null,
          latitude: dto.latitude ?? null,
          longitude: dto.longitude ?? null,
        }),
      );
      await this.audit.record(manager, {
        action: 'hub.created',
        target: { type: 'hub', id: hub.code },
        before: null,
        after: hub,
      });
      await notifyChange(manager, 'hub', hub.code);
      return hub;
    });
  }
}
