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

@Injectable()
export class HubsService {
  constructor(
    @InjectRepository(Hub) private readonly hubs: Repository<Hub>,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  list(page: PageQuery): Promise<Page<Hub>> {
    return paginate(this.hubs.createQueryBuilder('h'), page, ['h.code'], 'ASC', (h) => [h.code]);
  }

  /** The hub a request names (or the default hub); an unknown code is the client's 422. */
  async resolve(code?: string): Promise<Hub> {
    const wanted = code ?? this.config.get('DEFAULT_HUB', { infer: true });
    const hub = await currentManager(this.hubs.manager).findOneBy(Hub, { code: wanted });
    if (!hub) throw new UnprocessableEntityException(`Unknown hub ${wanted}`);
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
