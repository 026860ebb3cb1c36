import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import type { Permitted } from '../auth/permissions.js';
import { User } from '../auth/user.entity.js';
import { DestinationsService } from '../catalogue/destinations.service.js';
import { ItemsService } from '../catalogue/items.service.js';
import { KitsService } from '../catalogue/kits.service.js';
import { Clock } from '../common/clock.service.js';
import { microToString, ratio, toMicro } from '../common/decimal.js';
import {
  dispatchNotCancelledSql,
  dispatchTonnageKgSql,
  tonnageKg,
} from '../common/dispatch-rules.js';
import { Environment } from '../config/environment.js';
import { RoutesService } from '../transport/routes.service.js';
import { emissionColumns, emissionFactors } from './dispatch-emissions.js';
import { DomainError } from '../common/errors/domain.error.js';
import { Page, paginate } from '../common/pagination/page.js';
import { endOfDay, startOfDay } from '../common/time/zoned.js';
import { assertRecordableTime } from '../common/validation/time.js';
import { runStatement } from '../database/run-statement.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { Hub } from '../hubs/hub.entity.js';
import { HubsService } from '../hubs/hubs.service.js';
import { OutboxEventType } from '../outbox/outbox-event.entity.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { MovementType } from '../stock/movement-type.js';
import { StockService } from '../stock/stock.service.js';
import { DispatchKit } from './dispatch-kit.entity.js';
import { DispatchLine } from './dispatch-line.entity.js';
import { DispatchStatus } from './dispatch-status.js';
import { Dispatch } from './dispatch.entity.js';
import {
  CancelDispatchDto,
  CreateDispatchDto,
  DispatchesQuery,
  RecordDeliveryDto,
} from './dto/dispatch.dto.js';
import {
  DispatchLineView,
  DispatchResponse,
  DispatchView,
  mapDispatch,
} from './dto/dispatch-response.dto.js';
import { insertDispatches, NewDispatch } from './dispatch.writer.js';
import { WaybillNumbers } from './waybill-numbers.service.js';
import type { ReleaseLedger } from './release-ledger.js';

@Injectable()
export class DispatchesService {
  private releaseLedger?: ReleaseLedger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly hubs: HubsService,
    private readonly destinations: DestinationsService,
    private readonly items: ItemsService,
    private readonly kits: KitsService,
    private readonly stock: StockService,
    private readonly outbox: OutboxService,
    private readonly waybills: WaybillNumbers,
    private readonly clock: Clock,
    private readonly routes: RoutesService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  /** The releases folder's side of dispatches against a release (see ReleaseLedger). */
  attachReleaseLedger(ledger: ReleaseLedger): void {
    this.releaseLedger = ledger;
  }

  private ledger(): ReleaseLedger {
    if (!this.releaseLedger) throw new Error('No release ledger attached (ReleasesModule)');
    return this.releaseLedger;
  }

  /**
   * A truck leaves: its stock is taken in the same transaction as the dispatch is written, or
   * nothing is (409 listing every shortage). Weights are snapshots of today's catalogue.
   */
  async create(dto: CreateDispatchDto, user: User): Promise<DispatchResponse> {
    const hub = await this.hubs.resolveFor(user, 'dispatch.record', dto.hub);
    const destination = await this.destinations.resolve(dto.destination);
    const expanded = await this.kits.expand(dto.lines);
    const items = await this.items.snapshots(expanded.lines.map((line) => line.sku));
    const now = this.clock.now();
    const dispatchedAt = dto.dispatchedAt ? new Date(dto.dispatchedAt) : now;
    assertRecordableTime(dispatchedAt, 'dispatchedAt', now);

    const id = randomUUID();
    const lines = expanded.lines.map((line, i) => {
      const item = items.get(line.sku)!;
      const quantity = BigInt(line.quantity);
      return {
        dispatchId: id,
        lineNo: i + 1,
        itemId: item.id,
        item,
        quantity: line.quantity,
        unitWeightKg: item.unitWeightKg,
        unitVolumeM3: item.unitVolumeM3,
        weightKg: microToString(quantity * toMicro(item.unitWeightKg)),
        volumeM3: microToString(quantity * toMicro(item.unitVolumeM3)),
        receivedQuantity: null,
        damagedQuantity: null,
        missingQuantity: null,
      };
    });
    const total = (key: 'weightKg' | 'volumeM3') =>
      microToString(lines.reduce((sum, line) => sum + toMicro(line[key]), 0n));
    const cargoWeightKg = dto.cargoWeightKg === undefined ? null : String(dto.cargoWeightKg);
    const linesWeightKg = total('weightKg');
    // The route as it is now: a later change of it never rewrites this dispatch's distance.
    const route =
      dto.distanceKm === undefined
        ? (await this.routes.distances(undefined, hub.id, [destination.id])).get(destination.id)
        : undefined;
    const emissions = emissionColumns(
      tonnageKg({ cargoWeightKg, linesWeightKg }),
      {
        distanceKm: dto.distanceKm === undefined ? null : String(dto.distanceKm),
        fuelLitres: dto.fuelLitres === undefined ? null : String(dto.fuelLitres),
      },
      route,
      emissionFactors(this.config),
    );

    const row: NewDispatch = {
      id,
      hubId: hub.id,
      waybillNo: dto.waybillNo ?? null,
      waybillSequence: dto.waybillNo ? null : await this.waybills.sequenceFor(hub, dispatchedAt),
      destinationId: destination.id,
      dispatchedAt,
      truckPlate: dto.truckPlate,
      trailerPlate: dto.trailerPlate ?? null,
      driverName: dto.driverName ?? null,
      driverPhone: dto.driverPhone ?? null,
      carrier: dto.carrier ?? null,
      consignee: dto.consignee ?? null,
      emergency: dto.emergency ?? null,
      cargoWeightKg,
      linesWeightKg,
      volumeM3: total('volumeM3'),
      historical: false,
      importId: null,
      recordedById: user.id,
      releaseId: dto.release ?? null,
      ...emissions,
      lines,
      kits: expanded.kits,
    };

    const stored = await this.transactions.run(async (manager) => {
      // The dispatch, its lines, kits and outbox event in one statement. A generated number a
      // waybill typed by hand already holds is skipped: the next one is taken.
      let written = await insertDispatches(manager, [row], OutboxEventType.DispatchRecorded);
      for (let skipped = 0; !written.has(id) && row.waybillSequence && skipped < 100; skipped++) {
        written = await insertDispatches(manager, [row], OutboxEventType.DispatchRecorded);
      }
      if (!written.has(id)) {
        throw new ConflictException(`Waybill ${row.waybillNo} already exists at ${hub.code}`);
      }
      if (dto.release) {
        await this.ledger().draw(manager, dto.release, {
          hubId: hub.id,
          destinationId: destination.id,
          lines,
        });
      }
      // Taken with the commit: from the take to the commit every other dispatch of the hub waits
      // for this one (it locks the same stock levels), so that is held inside PostgreSQL only.
      this.stock.takeAtCommit(manager, hub.id, lines, {
        type: MovementType.Dispatch,
        occurredAt: dispatchedAt,
        recordedById: user.id,
        dispatchId: id,
        releaseId: dto.release,
      });
      return written.get(id)!;
    });
    const dispatch = {
      ...row,
      ...stored,
      status: DispatchStatus.Dispatched,
      cancelledAt: null,
      cancelReason: null,
      cancelledById: null,
      deliveredAt: null,
      deliveryNote: null,
      deliveryRecordedById: null,
    };
    const households = expanded.kits.reduce((sum, k) => sum + k.quantity, 0);
    return mapDispatch(
      { ...dispatch, households, hub, destination, recordedBy: user } as unknown as DispatchView,
      lines as unknown as DispatchLineView[],
      expanded.kits,
    );
  }

  /** One dispatch; 404 as for an unknown id to a user who does not act at its hub. */
  async get(id: string, user: Permitted): Promise<DispatchResponse> {
    const [found] = await this.responsesFor([id]);
    if (!found) throw new NotFoundException(`No dispatch ${id}`);
    this.hubs.assertFoundAt(user, 'hub.read', found.hub, `No dispatch ${id}`);
    return found;
  }

  async list(query: DispatchesQuery, user: Permitted): Promise<Page<DispatchResponse>> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const qb = await this.filtered(hub, query);
    qb.innerJoinAndSelect('d.hub', 'hub')
      .innerJoinAndSelect('d.destination', 'destination')
      .innerJoinAndSelect('d.recordedBy', 'recordedBy');
    const page = await paginate(qb, query, ['d.dispatchedAt', 'd.id'], 'DESC', (d) => [
      d.dispatchedAt.toISOString(),
      d.id,
    ]);
    return {
      items: await this.withLines(page.items as DispatchView[]),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Trucks and tonnes over every dispatch a list's filter selects (all pages), cancelled ones
   * left out as in every figure.
   */
  async totals(
    query: DispatchesQuery,
    user: Permitted,
  ): Promise<{ trucks: number; tonnes: number }> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const qb = await this.filtered(hub, query);
    const row = await qb
      .andWhere(dispatchNotCancelledSql('d'))
      .select('count(*)::int', 'trucks')
      .addSelect(`COALESCE(sum(${dispatchTonnageKgSql('d')}), 0)::text`, 'kg')
      .getRawOne<{ trucks: number; kg: string }>();
    return { trucks: row?.trucks ?? 0, tonnes: ratio(toMicro(row?.kg ?? '0'), toMicro(1000)) };
  }

  /** The hub's dispatches a list's filter selects: the one place its rules are written. */
  private async filtered(hub: Hub, query: DispatchesQuery) {
    const qb = this.dataSource
      .getRepository(Dispatch)
      .createQueryBuilder('d')
      .where('d.hubId = :hubId', { hubId: hub.id });
    if (query.destination) {
      const destination = await this.destinations.resolve(query.destination);
      qb.andWhere('d.destinationId = :destinationId', { destinationId: destination.id });
    }
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.emergency) qb.andWhere('d.emergency = :emergency', { emergency: query.emergency });
    if (query.release) qb.andWhere('d.releaseId = :releaseId', { releaseId: query.release });
    if (query.from)
      qb.andWhere('d.dispatchedAt >= :from', { from: startOfDay(query.from, hub.timeZone) });
    if (query.to) qb.andWhere('d.dispatchedAt < :to', { to: endOfDay(query.to, hub.timeZone) });
    return qb;
  }

  /** Only a DISPATCHED truck can be cancelled; its stock comes back (none for history). */
  async cancel(id: string, dto: CancelDispatchDto, user: User): Promise<DispatchResponse> {
    await this.transactions.run(async (manager) => {
      const dispatch = await this.lockForChange(manager, id, 'cancelled', user);
      const cancelledAt = this.clock.now();
      await manager.update(Dispatch, id, {
        status: DispatchStatus.Cancelled,
        cancelledAt,
        cancelReason: dto.reason,
        cancelledById: user.id,
      });
      await this.outbox.record(manager, OutboxEventType.DispatchCancelled, dispatch.hubId, {
        dispatchId: id,
      });
      if (!dispatch.historical) {
        const found = await manager.find(DispatchLine, {
          where: { dispatchId: id },
          relations: { item: true },
        });
        const lines = found.map((line) => ({ item: line.item, quantity: line.quantity }));
        // Back to its release's reservation while the release holds stock, else available.
        const backToRelease =
          dispatch.releaseId !== null &&
          (await this.ledger().giveBack(manager, dispatch.releaseId, lines));
        await this.stock.add(manager, dispatch.hubId, lines, {
          type: MovementType.DispatchCancelled,
          occurredAt: cancelledAt,
          recordedById: user.id,
          dispatchId: id,
          releaseId: backToRelease ? dispatch.releaseId! : undefined,
          note: dto.reason,
        });
      }
    });
    return this.get(id, user);
  }

  /**
   * The consignee's count: per line, received in good condition and damaged; the rest is
   * missing. Damaged and missing units are recorded as transit losses.
   */
  async recordDelivery(id: string, dto: RecordDeliveryDto, user: User): Promise<DispatchResponse> {
    const deliveredAt = new Date(dto.deliveredAt);
    assertRecordableTime(deliveredAt, 'deliveredAt', this.clock.now());
    await this.transactions.run(async (manager) => {
      const dispatch = await this.lockForChange(manager, id, 'delivered', user);
      if (deliveredAt < dispatch.dispatchedAt) {
        throw new DomainError(
          'delivery.beforeDispatch',
          'deliveredAt is before the truck was dispatched',
          { field: 'deliveredAt' },
        );
      }
      const lines = await manager.find(DispatchLine, {
        where: { dispatchId: id },
        relations: { item: true },
        order: { lineNo: 'ASC' },
      });
      const counted = new Map(dto.lines.map((line) => [line.sku, line]));
      const missingSkus = lines.filter((l) => !counted.has(l.item.sku)).map((l) => l.item.sku);
      const unknownSkus = dto.lines
        .filter((l) => !lines.some((line) => line.item.sku === l.sku))
        .map((l) => l.sku);
      if (missingSkus.length || unknownSkus.length) {
        throw new DomainError(
          'delivery.linesMismatch',
          [
            missingSkus.length
              ? `Every line of the dispatch must be counted; missing: ${missingSkus.join(', ')}`
              : '',
            unknownSkus.length ? `Not on this dispatch: ${unknownSkus.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('. '),
        );
      }
      const outcome = lines.map((line) => {
        const count = counted.get(line.item.sku)!;
        const damaged = count.damagedQuantity ?? 0;
        const missing = line.quantity - count.receivedQuantity - damaged;
        return { line, received: count.receivedQuantity, damaged, missing };
      });
      const over = outcome.filter((o) => o.missing < 0);
      if (over.length) {
        throw new DomainError(
          'delivery.overCounted',
          `Received plus damaged exceeds what was sent for ${over.map((o) => o.line.item.sku).join(', ')}`,
          {
            details: {
              lines: over.map((o) => ({
                sku: o.line.item.sku,
                sent: o.line.quantity,
                received: o.received,
                damaged: o.damaged,
              })),
            },
          },
        );
      }
      await runStatement(
        manager,
        `UPDATE dispatch_line l
            SET received_quantity = v.received, damaged_quantity = v.damaged,
                missing_quantity = l.quantity - v.received - v.damaged
           FROM unnest($2::smallint[], $3::bigint[], $4::bigint[]) AS v(line_no, received, damaged)
          WHERE l.dispatch_id = $1 AND l.line_no = v.line_no`,
        [
          id,
          outcome.map((o) => o.line.lineNo),
          outcome.map((o) => o.received),
          outcome.map((o) => o.damaged),
        ],
      );
      await manager.update(Dispatch, id, {
        status: DispatchStatus.Delivered,
        deliveredAt,
        deliveryNote: dto.note ?? null,
        deliveryRecordedById: user.id,
      });
      await this.stock.recordTransitLosses(
        manager,
        dispatch.hubId,
        outcome
          .filter((o) => o.damaged + o.missing > 0)
          .map((o) => ({ item: o.line.item, damaged: o.damaged, missing: o.missing })),
        { occurredAt: deliveredAt, recordedById: user.id, dispatchId: id, note: dto.note },
      );
    });
    return this.get(id, user);
  }

  /**
   * The dispatch to cancel or deliver, locked; 404 as for an unknown id to a user who may not
   * record dispatches at its hub (checked before its state, so nothing of it is told).
   */
  private async lockForChange(
    manager: EntityManager,
    id: string,
    change: 'cancelled' | 'delivered',
    user: Permitted,
  ): Promise<Dispatch> {
    const dispatch = await manager.findOne(Dispatch, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!dispatch) throw new NotFoundException(`No dispatch ${id}`);
    const hub = await manager.findOneByOrFail(Hub, { id: dispatch.hubId });
    this.hubs.assertFoundAt(user, 'dispatch.record', hub.code, `No dispatch ${id}`);
    if (dispatch.status !== DispatchStatus.Dispatched) {
      throw new ConflictException(
        `Dispatch ${dispatch.waybillNo} is ${dispatch.status}; only a DISPATCHED dispatch can be ${change}`,
      );
    }
    return dispatch;
  }

  private async responsesFor(ids: string[]): Promise<DispatchResponse[]> {
    // after a cancellation or delivery, inside the request's transaction
    const dispatches = await currentManager(this.dataSource.manager).find(Dispatch, {
      where: { id: In(ids) },
      relations: { hub: true, destination: true, recordedBy: true },
    });
    return this.withLines(dispatches as DispatchView[]);
  }

  private async withLines(dispatches: DispatchView[]): Promise<DispatchResponse[]> {
    if (dispatches.length === 0) return [];
    const manager = currentManager(this.dataSource.manager);
    const ids = dispatches.map((d) => d.id);
    const lines = (await manager.find(DispatchLine, {
      where: { dispatchId: In(ids) },
      relations: { item: true },
      order: { lineNo: 'ASC' },
    })) as DispatchLineView[];
    const kits = await manager.find(DispatchKit, {
      where: { dispatchId: In(ids) },
      relations: { kit: true },
      order: { kitId: 'ASC' },
    });
    return dispatches.map((d) =>
      mapDispatch(
        d,
        lines.filter((l) => l.dispatchId === d.id),
        kits
          .filter((k) => k.dispatchId === d.id)
          .map((k) => ({ code: k.kit.code, quantity: k.quantity, householdSize: k.householdSize })),
      ),
    );
  }
}
