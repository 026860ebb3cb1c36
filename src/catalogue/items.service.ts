import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { CreateItemDto, UpdateItemDto } from './dto/item.dto.js';
import { Item } from './item.entity.js';

@Injectable()
export class ItemsService {
  constructor(@InjectRepository(Item) private readonly items: Repository<Item>) {}

  list(page: PageQuery): Promise<Page<Item>> {
    return paginate(this.items.createQueryBuilder('i'), page, ['i.sku'], 'ASC', (i) => [i.sku]);
  }

  async get(sku: string): Promise<Item> {
    const item = await this.items.findOneBy({ sku });
    if (!item) throw new NotFoundException(`No item with SKU ${sku}`);
    return item;
  }

  async create(dto: CreateItemDto): Promise<Item> {
    if (await this.items.existsBy({ sku: dto.sku })) {
      throw new ConflictException(`An item with SKU ${dto.sku} already exists`);
    }
    return this.items.save(this.items.create({ ...dto, category: dto.category ?? null }));
  }

  /** Dispatches keep the weight they were recorded with: they hold their own snapshot. */
  async update(sku: string, dto: UpdateItemDto): Promise<Item> {
    const item = await this.get(sku);
    return this.items.save(this.items.merge(item, dto));
  }
}
