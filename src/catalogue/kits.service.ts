import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { DomainError } from '../common/errors/domain.error.js';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import {
  ChangeCache,
  ChangeNotifications,
  notifyChange,
} from '../database/change-notifications.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import {
  CreateKitDto,
  DEFAULT_HOUSEHOLD_SIZE,
  KitComponentDto,
  UpdateKitDto,
} from './dto/kit.dto.js';
import { ItemsService } from './items.service.js';
import { Kit, KitComponent } from './kit.entity.js';
import { KitView } from './kit-view.js';

/** A line of a dispatch, release or load plan: an item's or a kit's. */
export interface ItemOrKitLine {
  sku?: string;
  kit?: string;
  quantity: number;
}

/** A kit as a line took it: how many, at which composition, for households of what size. */
export interface KitTaken {
  kitId: number;
  code: string;
  quantity: number;
  kitVersion: number;
  householdSize: number;
}

/** Lines with their kits expanded: each SKU once, in order of first mention. */
export interface ExpandedLines {
  lines: { sku: string; quantity: number }[];
  kits: KitTaken[];
}

/** The largest quantity of one SKU a line may come to once kits are expanded. */
export const MAX_EXPANDED_QUANTITY = 1_000_000_000;

@Injectable()
export class KitsService {
  /**
   * Kits by code with their composition and the components' catalogue figures: forgotten when
   * the kit changes, and all of them when any item does (a view carries its items' weights).
   */
  private readonly byCode: ChangeCache<KitView>;

  constructor(
    @InjectRepository(Kit) private readonly kits: Repository<Kit>,
    private readonly items: ItemsService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    changes: ChangeNotifications,
  ) {
    this.byCode = changes.cache(['kit'], { max: 1_000, ttlMs: 60_000 });
    changes.subscribe('item', () => this.byCode.forget());
  }

  async list(page: PageQuery): Promise<Page<KitView>> {
    const found = await paginate(
      this.kits.createQueryBuilder('k'),
      page,
      ['k.code'],
      'ASC',
      (k) => [k.code],
    );
    const views = await this.views(found.items.map((k) => k.code));
    return { items: found.items.map((k) => views.get(k.code)!), nextCursor: found.nextCursor };
  }

  async get(code: string): Promise<KitView> {
    const view = (await this.views([code])).get(code);
    if (!view) throw new NotFoundException(`No kit ${code}`);
    return view;
  }

  /** A new kit, composition version 1; its code must be new (409), its SKUs known (422). */
  async create(dto: CreateKitDto): Promise<KitView> {
    return this.transactions.run(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Kit)
        .values({
          code: dto.code,
          name: dto.name,
          householdSize: dto.householdSize ?? DEFAULT_HOUSEHOLD_SIZE,
          version: 1,
        })
        .orIgnore()
        .returning(['id'])
        .execute();
      const kitId = (inserted.raw as { id: number }[])[0]?.id;
      if (kitId === undefined) {
        throw new ConflictException(`A kit with code ${dto.code} already exists`);
      }
      await this.writeComposition(manager, kitId, 1, dto.components);
      const created = (await this.views([dto.code], manager)).get(dto.code)!;
      await this.audit.record(manager, {
        action: 'kit.created',
        target: { type: 'kit', id: dto.code },
        before: null,
        after: audited(created),
      });
      await notifyChange(manager, 'kit', dto.code);
      return created;
    });
  }

  /**
   * Changes a kit from now on. New components make a new version of the composition (the old
   * one is kept): dispatches already recorded keep their own lines and the version they took.
   * The before and after of the change are the two views this returns.
   */
  async update(code: string, dto: UpdateKitDto): Promise<{ before: KitView; after: KitView }> {
    return this.transactions.run(async (manager) => {
      const kit = await manager.findOne(Kit, {
        where: { code },
        lock: { mode: 'pessimistic_write' },
      });
      if (!kit) throw new NotFoundException(`No kit ${code}`);
      const before = (await this.views([code], manager)).get(code)!;
      const version = dto.components ? kit.version + 1 : kit.version;
      if (dto.components) await this.writeComposition(manager, kit.id, version, dto.components);
      await manager.update(Kit, kit.id, {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(dto.householdSize !== undefined ? { householdSize: dto.householdSize } : {}),
        version,
        updatedAt: new Date(),
      });
      const after = (await this.views([code], manager)).get(code)!;
      await this.audit.record(manager, {
        action: 'kit.updated',
        target: { type: 'kit', id: code },
        before: audited(before),
        after: audited(after),
      });
      await notifyChange(manager, 'kit', code);
      return { before, after };
    });
  }

  /**
   * THE expansion of kit lines, for dispatches, releases and load plans alike: each `{ kit,
   * quantity }` becomes its components at the kit's current composition, merged with item lines
   * of the same SKU. Unknown kits are the client's 422; so is a SKU coming to more than
   * 1,000,000,000 units.
   */
  async expand(lines: ItemOrKitLine[], manager?: EntityManager): Promise<ExpandedLines> {
    const codes = lines.filter((l) => l.kit !== undefined).map((l) => l.kit!);
    const views = codes.length ? await this.views(codes, manager) : new Map<string, KitView>();
    const unknown = [...new Set(codes.filter((code) => !views.has(code)))];
    if (unknown.length > 0) {
      throw new UnprocessableEntityException({
        message: `Unknown kit${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        unknownKits: unknown,
      });
    }
    const merged = new Map<string, bigint>();
    const add = (sku: string, quantity: bigint) =>
      merged.set(sku, (merged.get(sku) ?? 0n) + quantity);
    const kits: KitTaken[] = [];
    for (const line of lines) {
      if (line.kit === undefined) {
        add(line.sku!, BigInt(line.quantity));
        continue;
      }
      const kit = views.get(line.kit)!;
      for (const c of kit.components) add(c.sku, BigInt(c.quantity) * BigInt(line.quantity));
      kits.push({
        kitId: kit.id,
        code: kit.code,
        quantity: line.quantity,
        kitVersion: kit.version,
        householdSize: kit.householdSize,
      });
    }
    const tooMany = [...merged].filter(([, q]) => q > BigInt(MAX_EXPANDED_QUANTITY));
    if (tooMany.length > 0) {
      throw new DomainError(
        'lines.tooLarge',
        `More than 1,000,000,000 units of ${tooMany.map(([sku]) => sku).join(', ')} once kits are expanded`,
        { field: 'lines', details: { skus: tooMany.map(([sku]) => sku) } },
      );
    }
    return {
      lines: [...merged].map(([sku, quantity]) => ({ sku, quantity: Number(quantity) })),
      kits,
    };
  }

  /**
   * Kits by code with their current composition: with `manager`, read in its transaction (which
   * may have just written them); without, as kept.
   */
  async views(codes: string[], manager?: EntityManager): Promise<Map<string, KitView>> {
    if (manager) return this.read(manager, codes);
    return this.byCode.getMany(codes, (missing) =>
      this.read(currentManager(this.kits.manager), missing),
    );
  }

  private async read(manager: EntityManager, codes: string[]): Promise<Map<string, KitView>> {
    const rows: (Omit<KitView, 'components'> & {
      itemId: number;
      sku: string;
      itemName: string;
      quantity: number;
      unitWeightKg: string;
      unitVolumeM3: string;
    })[] = await manager.query(
      `SELECT k.id, k.code, k.name, k.household_size AS "householdSize", k.version,
              k.updated_at AS "updatedAt", c.item_id AS "itemId", i.sku, i.name AS "itemName",
              c.quantity, i.unit_weight_kg::text AS "unitWeightKg",
              i.unit_volume_m3::text AS "unitVolumeM3"
         FROM kit k
         JOIN kit_component c ON c.kit_id = k.id AND c.version = k.version
         JOIN item i ON i.id = c.item_id
        WHERE k.code = ANY($1::text[])
        ORDER BY k.code, i.sku`,
      [codes],
    );
    const views = new Map<string, KitView>();
    for (const row of rows) {
      let view = views.get(row.code);
      if (!view) {
        view = {
          id: row.id,
          code: row.code,
          name: row.name,
          householdSize: row.householdSize,
          version: row.version,
          updatedAt: row.updatedAt,
          components: [],
        };
        views.set(row.code, view);
      }
      view.components.push({
        itemId: row.itemId,
        sku: row.sku,
        name: row.itemName,
        quantity: row.quantity,
        unitWeightKg: row.unitWeightKg,
        unitVolumeM3: row.unitVolumeM3,
      });
    }
    return views;
  }

  private async writeComposition(
    manager: EntityManager,
    kitId: number,
    version: number,
    components: KitComponentDto[],
  ): Promise<void> {
    const items = await this.items.snapshots(
      components.map((c) => c.sku),
      manager,
    );
    await manager.insert(
      KitComponent,
      components.map((c) => ({
        kitId,
        version,
        itemId: items.get(c.sku)!.id,
        quantity: c.quantity,
      })),
    );
  }
}

/** A kit as the audit trail shows it: its composition as `{ sku: quantity }`. */
function audited(kit: KitView): object {
  return {
    code: kit.code,
    name: kit.name,
    householdSize: kit.householdSize,
    version: kit.version,
    components: Object.fromEntries(kit.components.map((c) => [c.sku, c.quantity])),
  };
}
