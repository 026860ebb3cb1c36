import { Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { mapActor } from '../auth/dto/actor.dto.js';
import type { Permitted } from '../auth/permissions.js';
import { User } from '../auth/user.entity.js';
import { DestinationsService } from '../catalogue/destinations.service.js';
import { ItemsService } from '../catalogue/items.service.js';
import { KitsService } from '../catalogue/kits.service.js';
import { Clock } from '../common/clock.service.js';
import { ratio, roundMicro, toMicro } from '../common/decimal.js';
import { DomainError } from '../common/errors/domain.error.js';
import { Page, paginate } from '../common/pagination/page.js';
import { localDay } from '../common/time/zoned.js';
import { runStatement } from '../database/run-statement.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { DispatchesService } from '../dispatches/dispatches.service.js';
import type { ReleaseDraw, ReleaseLedger } from '../dispatches/release-ledger.js';
import { Hub } from '../hubs/hub.entity.js';
import { HubsService } from '../hubs/hubs.service.js';
import { LoadPlanResponse } from '../plans/dto/load-plan.dto.js';
import { PlansService } from '../plans/plans.service.js';
import { StockLine, StockService } from '../stock/stock.service.js';
import { CancelReleaseDto, CreateReleaseDto, ReleasesQuery } from './dto/release.dto.js';
import {
  PipelineGroupResponse,
  PipelineResponse,
  ReleaseResponse,
} from './dto/release-response.dto.js';
import { HOLDING, ReleaseStatus } from './release-status.js';
import { Release, ReleaseKit, ReleaseLine } from './release.entity.js';

type ReleaseView = Release & {
  hub: Hub;
  destination: { code: string; name: string };
  createdBy: { id: string; name: string };
};
type LineView = ReleaseLine & { item: { sku: string; name: string } };

/** A load plan is a help, not a rule: goods that need more than a plan lists still reserve. */
const NO_PLAN = new Set(['plan.tooLarge', 'plan.unitTooLarge']);

/**
 * Release orders: stock a coordinator commits to an emergency, reserved in the ledger in the
 * same transaction (all lines or none, 409 with the shortages), consumed by the dispatches
 * loaded against it, freed when it is cancelled.
 */
@Injectable()
export class ReleasesService implements ReleaseLedger, OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly hubs: HubsService,
    private readonly destinations: DestinationsService,
    private readonly items: ItemsService,
    private readonly kits: KitsService,
    private readonly plans: PlansService,
    private readonly stock: StockService,
    private readonly dispatches: DispatchesService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.dispatches.attachReleaseLedger(this);
  }

  async create(dto: CreateReleaseDto, user: User): Promise<ReleaseResponse> {
    const hub = await this.hubs.resolveFor(user, 'release.manage', dto.hub);
    const destination = await this.destinations.resolve(dto.destination);
    const expanded = await this.kits.expand(dto.lines);
    const items = await this.items.snapshots(expanded.lines.map((line) => line.sku));
    const views = expanded.kits.length
      ? await this.kits.views(expanded.kits.map((k) => k.code))
      : new Map();
    const kits: ReleaseKit[] = expanded.kits.map((k) => ({
      code: k.code,
      quantity: k.quantity,
      householdSize: k.householdSize,
      components: views.get(k.code)!.components.map((c: { sku: string; quantity: number }) => ({
        sku: c.sku,
        quantity: c.quantity,
      })),
    }));
    const plan = await this.planOrNull(dto.lines);
    const id = randomUUID();
    const createdAt = this.clock.now();
    const year = Number(localDay(createdAt, hub.timeZone).slice(0, 4));
    const lines = expanded.lines.map((line, i) => {
      const item = items.get(line.sku)!;
      return {
        releaseId: id,
        lineNo: i + 1,
        itemId: item.id,
        item,
        quantity: line.quantity,
        dispatched: 0,
        unitWeightKg: item.unitWeightKg,
        unitVolumeM3: item.unitVolumeM3,
      };
    });
    await this.transactions.run(async (manager) => {
      const number = await this.nextNumber(manager, hub, year);
      await manager.insert(Release, {
        id,
        hubId: hub.id,
        number,
        destinationId: destination.id,
        emergency: dto.emergency ?? null,
        neededBy: dto.neededBy ?? null,
        note: dto.note ?? null,
        status: ReleaseStatus.Open,
        kits,
        plan,
        createdAt,
        createdById: user.id,
      });
      await manager.insert(
        ReleaseLine,
        lines.map(({ item: _item, ...line }) => line),
      );
      // Sent with the commit, as a dispatch's take: the hub's stock levels stay locked from the
      // reservation to the commit inside PostgreSQL only.
      this.stock.reserve(manager, hub.id, lines, {
        occurredAt: createdAt,
        recordedById: user.id,
        releaseId: id,
        note: number,
      });
    });
    return this.get(id, user, false);
  }

  /** One release; 404 as for an unknown id to a user who does not act at its hub. */
  async get(id: string, user: Permitted, withDispatches = true): Promise<ReleaseResponse> {
    const [found] = await this.viewsOf([id]);
    if (!found) throw new NotFoundException(`No release ${id}`);
    this.hubs.assertFoundAt(user, 'hub.read', found.hub, `No release ${id}`);
    if (withDispatches) {
      const page = await this.dispatches.list({ hub: found.hub, release: id, limit: 500 }, user);
      found.dispatches = page.items.map((d) => ({
        id: d.id,
        waybillNo: d.waybillNo,
        dispatchedAt: d.dispatchedAt,
        status: d.status,
        truckPlate: d.truckPlate,
        tonnes: d.tonnes,
      }));
    }
    return found;
  }

  async list(query: ReleasesQuery, user: Permitted): Promise<Page<ReleaseResponse>> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const qb = this.dataSource
      .getRepository(Release)
      .createQueryBuilder('r')
      .where('r.hubId = :hubId', { hubId: hub.id });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    if (query.emergency) qb.andWhere('r.emergency = :emergency', { emergency: query.emergency });
    if (query.destination) {
      const destination = await this.destinations.resolve(query.destination);
      qb.andWhere('r.destinationId = :destinationId', { destinationId: destination.id });
    }
    const page = await paginate(qb, query, ['r.createdAt', 'r.id'], 'DESC', (r) => [
      r.createdAt.toISOString(),
      r.id,
    ]);
    return { items: await this.viewsOf(page.items.map((r) => r.id)), nextCursor: page.nextCursor };
  }

  /** OPEN or PARTIAL only (409 otherwise): what remains is freed, nothing else changes. */
  async cancel(id: string, dto: CancelReleaseDto, user: User): Promise<ReleaseResponse> {
    await this.transactions.run(async (manager) => {
      const release = await manager.findOne(Release, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!release) throw new NotFoundException(`No release ${id}`);
      const hub = await manager.findOneByOrFail(Hub, { id: release.hubId });
      this.hubs.assertFoundAt(user, 'release.manage', hub.code, `No release ${id}`);
      if (!HOLDING.includes(release.status)) {
        throw new DomainError(
          'release.closed',
          `Release ${release.number} is ${release.status}; only an OPEN or PARTIAL release can be cancelled`,
        );
      }
      const cancelledAt = this.clock.now();
      await manager.update(Release, id, {
        status: ReleaseStatus.Cancelled,
        cancelledAt,
        cancelReason: dto.reason,
        cancelledById: user.id,
      });
      const lines = await manager.find(ReleaseLine, {
        where: { releaseId: id },
        relations: { item: true },
      });
      await this.stock.unreserve(
        manager,
        release.hubId,
        lines.map((l) => ({ item: l.item, quantity: l.quantity - l.dispatched })),
        { occurredAt: cancelledAt, recordedById: user.id, releaseId: id, note: dto.reason },
      );
    });
    // Without its dispatches: read in the request's transaction (one connection), and the
    // cancellation changed none of them.
    return this.get(id, user, false);
  }

  // ReleaseLedger: dispatches against a release, inside the dispatch's transaction.

  async draw(manager: EntityManager, releaseId: string, draw: ReleaseDraw): Promise<void> {
    const release = await manager.findOne(Release, {
      where: { id: releaseId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!release || release.hubId !== draw.hubId) {
      throw new DomainError('release.unknown', `No release ${releaseId} at this hub`, {
        field: 'release',
      });
    }
    if (release.status === ReleaseStatus.Cancelled) {
      throw new DomainError(
        'release.closed',
        `Release ${release.number} is CANCELLED; nothing can be dispatched against it`,
        { field: 'release' },
      );
    }
    if (release.destinationId !== draw.destinationId) {
      throw new DomainError(
        'release.destinationMismatch',
        `Release ${release.number} goes to another destination`,
        { field: 'destination' },
      );
    }
    const held = new Map(
      (await manager.find(ReleaseLine, { where: { releaseId } })).map((l) => [l.itemId, l]),
    );
    const over = draw.lines
      .map((line) => {
        const on = held.get(line.item.id);
        return {
          sku: line.item.sku,
          requested: line.quantity,
          remaining: on ? on.quantity - on.dispatched : 0,
        };
      })
      .filter((l) => l.requested > l.remaining);
    if (over.length) {
      throw new DomainError(
        'release.linesExceed',
        `Release ${release.number} holds less than this of ${over.map((l) => l.sku).join(', ')}`,
        { field: 'lines', details: { lines: over } },
      );
    }
    await this.moveDispatched(manager, releaseId, draw.lines, 1);
  }

  async giveBack(manager: EntityManager, releaseId: string, lines: StockLine[]): Promise<boolean> {
    const release = await manager.findOne(Release, {
      where: { id: releaseId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!release || release.status === ReleaseStatus.Cancelled) return false;
    await this.moveDispatched(manager, releaseId, lines, -1);
    return true;
  }

  /**
   * What open releases still promise and is not on the road, per destination and emergency: now,
   * or at the end of `asOf` (from the ledger: each release's reserved movements up to then).
   */
  async pipeline(hub: Hub, at?: Date, asOf?: string): Promise<PipelineResponse> {
    const remaining = await this.stock.reservedByRelease(hub.id, at);
    const ids = [...new Set(remaining.map((r) => r.releaseId))];
    const releases = ids.length
      ? await this.dataSource.getRepository(Release).find({
          where: { id: In(ids) },
          relations: { destination: true, hub: true },
        })
      : [];
    const lines = ids.length
      ? ((await this.dataSource.getRepository(ReleaseLine).find({
          where: { releaseId: In(ids) },
          relations: { item: true },
        })) as LineView[])
      : [];
    const groups = new Map<string, PipelineGroupResponse & { weight: bigint; volume: bigint }>();
    for (const release of releases) {
      const left = remaining.filter((r) => r.releaseId === release.id);
      const own = lines.filter((l) => l.releaseId === release.id);
      let weight = 0n;
      let volume = 0n;
      const bySku = new Map<string, number>();
      for (const r of left) {
        const line = own.find((l) => l.itemId === r.itemId);
        if (!line) continue;
        weight += BigInt(r.reserved) * toMicro(line.unitWeightKg);
        volume += BigInt(r.reserved) * toMicro(line.unitVolumeM3);
        bySku.set(line.item.sku, r.reserved);
      }
      const plan = await this.planOrNull([...bySku].map(([sku, quantity]) => ({ sku, quantity })));
      const key = `${release.destination.code}\u0000${release.emergency ?? ''}`;
      const group = groups.get(key) ?? {
        destination: release.destination.code,
        destinationName: release.destination.name,
        emergency: release.emergency,
        releases: 0,
        tonnes: 0,
        volumeM3: 0,
        households: 0,
        trucks: 0,
        weight: 0n,
        volume: 0n,
      };
      group.releases += 1;
      group.weight += weight;
      group.volume += volume;
      group.households += householdsLeft(release.kits, bySku);
      group.trucks += plan?.trucks ?? 0;
      groups.set(key, group);
    }
    const list = [...groups.values()]
      .map(({ weight, volume, ...g }) => ({
        ...g,
        tonnes: ratio(weight, toMicro(1000)),
        volumeM3: roundMicro(volume),
        sortWeight: weight,
      }))
      .sort((a, b) =>
        a.sortWeight === b.sortWeight
          ? a.destination.localeCompare(b.destination)
          : a.sortWeight > b.sortWeight
            ? -1
            : 1,
      );
    const totalWeight = list.reduce((s, g) => s + g.sortWeight, 0n);
    const sum = (pick: (g: PipelineGroupResponse) => number) =>
      list.reduce((s, g) => s + pick(g), 0);
    return {
      hub: hub.code,
      asOf: asOf ?? null,
      releases: sum((g) => g.releases),
      tonnes: ratio(totalWeight, toMicro(1000)),
      volumeM3: roundMicro(list.reduce((s, g) => s + toMicro(g.volumeM3), 0n)),
      households: sum((g) => g.households),
      trucks: sum((g) => g.trucks),
      groups: list.map(({ sortWeight: _w, ...g }) => g),
    };
  }

  private async planOrNull(
    lines: { sku?: string; kit?: string; quantity: number }[],
  ): Promise<LoadPlanResponse | null> {
    if (lines.length === 0) return null;
    try {
      return await this.plans.plan(lines);
    } catch (error) {
      if (error instanceof DomainError && NO_PLAN.has(error.code)) return null;
      throw error;
    }
  }

  /** Counts lines as dispatched (+1) or given back (-1), and sets the status that follows. */
  private async moveDispatched(
    manager: EntityManager,
    releaseId: string,
    lines: StockLine[],
    sign: 1 | -1,
  ): Promise<void> {
    await runStatement(
      manager,
      `UPDATE release_line l SET dispatched = l.dispatched + v.quantity
         FROM unnest($2::int[], $3::bigint[]) AS v(item_id, quantity)
        WHERE l.release_id = $1 AND l.item_id = v.item_id`,
      [releaseId, lines.map((l) => l.item.id), lines.map((l) => sign * l.quantity)],
    );
    await runStatement(
      manager,
      `UPDATE release r SET status = CASE
         WHEN NOT EXISTS (SELECT 1 FROM release_line l
                           WHERE l.release_id = r.id AND l.dispatched < l.quantity)
           THEN 'FULFILLED'::release_status
         WHEN EXISTS (SELECT 1 FROM release_line l WHERE l.release_id = r.id AND l.dispatched > 0)
           THEN 'PARTIAL'::release_status
         ELSE 'OPEN'::release_status END
        WHERE r.id = $1`,
      [releaseId],
    );
  }

  /** REL-HUB-YEAR-NNNN from a counter per hub and year, in the release's transaction. */
  private async nextNumber(manager: EntityManager, hub: Hub, year: number): Promise<string> {
    const { rows } = await runStatement<{ v: string }>(
      manager,
      `INSERT INTO release_counter (hub_id, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (hub_id, year) DO UPDATE SET last_value = release_counter.last_value + 1
       RETURNING last_value::text AS v`,
      [hub.id, year],
    );
    return `REL-${hub.code}-${year}-${rows[0].v.padStart(4, '0')}`;
  }

  private async viewsOf(ids: string[]): Promise<ReleaseResponse[]> {
    if (ids.length === 0) return [];
    const manager = currentManager(this.dataSource.manager);
    const releases = (await manager.find(Release, {
      where: { id: In(ids) },
      relations: { hub: true, destination: true, createdBy: true },
    })) as ReleaseView[];
    const lines = (await manager.find(ReleaseLine, {
      where: { releaseId: In(ids) },
      relations: { item: true },
      order: { lineNo: 'ASC' },
    })) as LineView[];
    const byId = new Map(releases.map((r) => [r.id, r]));
    return ids
      .filter((id) => byId.has(id))
      .map((id) =>
        mapRelease(
          byId.get(id)!,
          lines.filter((l) => l.releaseId === id),
        ),
      );
  }
}

/**
 * Households a release's kits still equip (a kit equips one household): per kit, the whole kits its components' remaining
 * units make up (at most the kits promised). Exact for a release of one kit; with several kits
 * or item lines sharing a SKU, each kit may count the shared units (an upper bound).
 */
export function householdsLeft(kits: ReleaseKit[], remaining: Map<string, number>): number {
  return kits.reduce((sum, kit) => {
    const whole = Math.min(
      kit.quantity,
      ...kit.components.map((c) => Math.floor((remaining.get(c.sku) ?? 0) / c.quantity)),
    );
    return sum + whole;
  }, 0);
}

function mapRelease(release: ReleaseView, lines: LineView[]): ReleaseResponse {
  const holding = HOLDING.includes(release.status);
  const weigh = (pick: (l: LineView) => number, field: 'unitWeightKg' | 'unitVolumeM3') =>
    lines.reduce((s, l) => s + BigInt(pick(l)) * toMicro(l[field]), 0n);
  return {
    id: release.id,
    number: release.number,
    hub: release.hub.code,
    destination: release.destination.code,
    emergency: release.emergency,
    neededBy: release.neededBy,
    note: release.note,
    status: release.status,
    lines: lines.map((l) => ({
      sku: l.item.sku,
      name: l.item.name,
      quantity: l.quantity,
      dispatched: l.dispatched,
      remaining: l.quantity - l.dispatched,
      weightKg: roundMicro(BigInt(l.quantity) * toMicro(l.unitWeightKg)),
      volumeM3: roundMicro(BigInt(l.quantity) * toMicro(l.unitVolumeM3)),
    })),
    kits: release.kits.map((k) => ({
      code: k.code,
      quantity: k.quantity,
      householdSize: k.householdSize,
    })),
    households: release.kits.reduce((s, k) => s + k.quantity, 0),
    tonnes: ratio(
      weigh((l) => l.quantity, 'unitWeightKg'),
      toMicro(1000),
    ),
    volumeM3: roundMicro(weigh((l) => l.quantity, 'unitVolumeM3')),
    remainingTonnes: holding
      ? ratio(
          weigh((l) => l.quantity - l.dispatched, 'unitWeightKg'),
          toMicro(1000),
        )
      : 0,
    plan: (release.plan as LoadPlanResponse | null) ?? null,
    createdAt: release.createdAt.toISOString(),
    createdBy: mapActor(release.createdBy),
    cancelledAt: release.cancelledAt?.toISOString() ?? null,
    cancelReason: release.cancelReason,
  };
}
