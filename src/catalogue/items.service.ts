import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { AuditService } from '../audit/audit.service.js';
import {
  ChangeCache,
  ChangeNotifications,
  notifyChange,
} from '../database/change-notifications.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { CreateItemDto, UpdateItemDto } from './dto/item.dto.js';
import { Item } from './item.entity.js';
import { ItemSnapshot } from './item-snapshot.js';

@Injectable()
export class ItemsService {
  /** Items by SKU as every dispatch, receipt and release reads them; see ChangeNotifications. */
  private readonly bySku: ChangeCache<ItemSnapshot>;

  constructor(
    @InjectRepository(Item) private readonly items: Repository<Item>,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    changes: ChangeNotifications,
  ) {
    this.bySku = changes.cache(['item'], { max: 10_000, ttlMs: 60_000 });
  }

  list(page: PageQuery): Promise<Page<Item>> {
    return paginate(this.items.createQueryBuilder('i'), page, ['i.sku'], 'ASC', (i) => [i.sku]);
  }

  async get(sku: string): Promise<Item> {
    const item = await this.items.findOneBy({ sku });
    if (!item) throw new NotFoundException(`No item with SKU ${sku}`);
    return item;
  }

  /**
   * The items of these SKUs, as they are now (inside `manager`'s transaction when given, which
   * sees its own writes, else as committed); 422 naming every SKU the catalogue does not have.
   */
  async snapshots(skus: string[], manager?: EntityManager): Promise<Map<string, ItemSnapshot>> {
    const found = await this.find(skus, manager);
    const unknown = [...new Set(skus.filter((sku) => !found.has(sku)))];
    if (unknown.length > 0) {
      throw new UnprocessableEntityException({
        message: `Unknown SKU${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        unknownSkus: unknown,
      });
    }
    return found;
  }

  /**
   * The items of these SKUs that the catalogue has, as they are now; others are left out. With
   * `manager`, read in its transaction (which may have just written them); without, as kept.
   */
  async find(skus: string[], manager?: EntityManager): Promise<Map<string, ItemSnapshot>> {
    if (manager) return this.read(manager, skus);
    return this.bySku.getMany(skus, (missing) =>
      this.read(currentManager(this.items.manager), missing),
    );
  }

  private async read(manager: EntityManager, skus: string[]): Promise<Map<string, ItemSnapshot>> {
    const rows: ItemSnapshot[] = await manager.query(
      `SELECT id, sku, name, unit, unit_weight_kg::text AS "unitWeightKg",
              unit_volume_m3::text AS "unitVolumeM3"
         FROM item WHERE sku = ANY($1::text[])`,
      [skus],
    );
    return new Map(rows.map((row) => [row.sku, row]));
  }

  async create(dto: CreateItemDto): Promise<Item> {
    if (await this.items.existsBy({ sku: dto.sku })) {
      throw new ConflictException(`An item with SKU ${dto.sku} already exists`);
    }
    return this.transactions.run(async (manager) => {
      const items = manager.getRepository(Item);
      const item = await items.save(
        items.create({
          ...dto,
          category: dto.category ?? null,
          pluralName: dto.pluralName ?? null,
        }),
      );
      await this.audit.record(manager, {
        action: 'item.created',
        target: { type: 'item', id: item.sku },
        before: null,
        after: item,
      });
      await notifyChange(manager, 'item', item.sku);
      return item;
    });
  }

  /** Dispatches keep the weight they were recorded with: they hold their own snapshot. */
  async update(sku: string, dto: UpdateItemDto): Promise<Item> {
    return this.transactions.run(async (manager) => {
      const items = manager.getRepository(Item);
      const before = await items.findOne({ where: { sku }, lock: { mode: 'pessimistic_write' } });
      if (!before) throw new NotFoundException(`No item with SKU ${sku}`);
      const after = await items.save(items.merge({ ...before }, dto));
      await this.audit.record(manager, {
        action: 'item.updated',
        target: { type: 'item', id: sku },
        before,
        after,
      });
      await notifyChange(manager, 'item', sku);
      return after;
    });
  }
}
