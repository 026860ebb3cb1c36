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
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { Destination } from './destination.entity.js';
import { CreateDestinationDto } from './dto/destination.dto.js';

/** How long a destination found by code is used without asking the database again. */
const KEEP_MS = 60_000;

@Injectable()
export class DestinationsService {
  /**
   * Destinations by code, as found: every dispatch resolves one, and no route changes or removes
   * a destination, so one once found stays right (kept a minute all the same, so that a hand
   * edit in the database is seen). Unknown codes are not kept.
   */
  private readonly found = new Map<string, { destination: Destination; until: number }>();

  constructor(
    @InjectRepository(Destination) private readonly destinations: Repository<Destination>,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

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
    const kept = this.found.get(code);
    if (kept && kept.until > Date.now()) return kept.destination;
    const destination = await currentManager(this.destinations.manager).findOneBy(Destination, {
      code,
    });
    if (!destination) throw new UnprocessableEntityException(`Unknown destination ${code}`);
    this.found.set(code, { destination, until: Date.now() + KEEP_MS });
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
      return destination;
    });
  }
}
