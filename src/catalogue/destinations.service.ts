import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { AuditService } from '../audit/audit.service.js';
import {
  ChangeCache,
  ChangeNotifications,
  notifyChange,
} from '../database/change-notifications.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { Destination } from './destination.entity.js';
import { CreateDestinationDto } from './dto/destination.dto.js';

@Injectable()
export class DestinationsService {
  /**
   * Destinations by code, as found: every dispatch resolves one. Unknown codes are not kept;
   * see ChangeNotifications for how a change is seen.
   */
  private readonly byCode: ChangeCache<Destination>;

  constructor(
    @InjectRepository(Destination) private readonly destinations: Repository<Destination>,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    changes: ChangeNotifications,
  ) {
    this.byCode = changes.cache(['destination'], { max: 10_000, ttlMs: 60_000 });
  }

  list(page: PageQuery): Promise<Page<Destination>> {
    return paginate(this.destinations.createQueryBuilder('d'), page, ['d.code'], 'ASC', (d) => [
      d.code,
    ]);
  }

  async get(code: string): Promise<Destination> {
    const destination = await this.destinations.findOneBy({ code });
    if (!destination) throw new NotFoundException(`No destination ${code}`);
    return destination;
  }

  /** The destination a request body names; unknown is the client's 422. */
  async resolve(code: string): Promise<Destination> {
    const destination = await this.byCode.get(
      code,
      async () =>
        (await currentManager(this.destinations.manager).findOneBy(Destination, { code })) ??
        undefined,
    );
    if (!destination) throw new UnprocessableEntityException(`Unknown destination ${code}`);
    return destination;
  }

  async create(dto: CreateDestinationDto): Promise<Destination> {
    if (await this.destinations.existsBy({ code: dto.code })) {
      throw new ConflictException(`A destination with code ${dto.code} already exists`);
    }
    return this.transactions.run(async (manager) => {
      const destinations = manager.getRepository(Destination);
      const destination = await destinations.save(
        destinations.create({ ...dto, iso2: dto.iso2 ?? null }),
      );
      await this.audit.record(manager, {
        action: 'destination.created',
        target: { type: 'destination', id: destination.code },
        before: null,
        after: destination,
      });
      await notifyChange(manager, 'destination', destination.code);
      return destination;
    });
  }
}
