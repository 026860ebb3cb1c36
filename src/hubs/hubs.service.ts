import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { Environment } from '../config/environment.js';
import { currentManager } from '../database/transaction.js';
import { CreateHubDto } from './dto/hub.dto.js';
import { Hub } from './hub.entity.js';

/** How long a hub found by code is used without asking the database again. */
const KEEP_MS = 60_000;

@Injectable()
export class HubsService {
  /**
   * Hubs by code, as found: every request resolves one, and no route changes or removes a hub,
   * so a hub once found stays right (kept a minute all the same, so that a hand edit in the
   * database is seen). Unknown codes are not kept: a hub created meanwhile is found at once.
   */
  private readonly found = new Map<string, { hub: Hub; until: number }>();

  constructor(
    @InjectRepository(Hub) private readonly hubs: Repository<Hub>,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  list(page: PageQuery): Promise<Page<Hub>> {
    return paginate(this.hubs.createQueryBuilder('h'), page, ['h.code'], 'ASC', (h) => [h.code]);
  }

  /** Every hub, by code: a network has a handful (the weekly reports' schedules). */
  all(): Promise<Hub[]> {
    return this.hubs.find({ order: { code: 'ASC' } });
  }

  /** The hub a request names (or the default hub); an unknown code is the client's 422. */
  async resolve(code?: string): Promise<Hub> {
    const wanted = code ?? this.config.get('DEFAULT_HUB', { infer: true });
    const kept = this.found.get(wanted);
    if (kept && kept.until > Date.now()) return kept.hub;
    const hub = await currentManager(this.hubs.manager).findOneBy(Hub, { code: wanted });
    if (!hub) throw new UnprocessableEntityException(`Unknown hub ${wanted}`);
    this.found.set(wanted, { hub, until: Date.now() + KEEP_MS });
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
    return this.hubs.save(
      this.hubs.create({
        ...dto,
        shortName: dto.shortName ?? dto.name,
        countryCode: dto.countryCode ?? null,
        latitude: dto.latitude ?? null,
        longitude: dto.longitude ?? null,
      }),
    );
  }
}
