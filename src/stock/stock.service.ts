import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ItemSnapshot } from '../catalogue/item-snapshot.js';
import { roundMicro, toMicro } from '../common/decimal.js';
import { DomainError } from '../common/errors/domain.error.js';
import { Page, paginate } from '../common/pagination/page.js';
import { endOfDay, startOfDay } from '../common/time/zoned.js';
import { ADVISORY_LOCK_CLASS } from '../database/advisory-locks.js';
import { CommitStatement, REFUSED, runStatement } from '../database/run-statement.js';
import { atCommit } from '../database/transaction.js';
import { Hub } from '../hubs/hub.entity.js';
import { CoverageRow, coverageOf, KitCoverage } from './coverage.js';
import { MovementsQuery } from './dto/stock.dto.js';
import { AdjustmentReason, MovementType } from './movement-type.js';
import { StockMovement } from './stock-movement.entity.js';

export interface StockLine {
  item: Pick<ItemSnapshot, 'id' | 'sku'>;
  quantity: number;
}

/** Who, when and why, for the movements a change writes. */
export interface MovementContext {
  type: MovementType;
  occurredAt: Date;
  recordedById: string;
  receiptId?: string;
  dispatchId?: string;
  /**
   * The release order whose reservation the change moves: a take consumes it (reserved falls
   * with on hand), an add gives the units back to it (reserved grows with on hand).
   */
  releaseId?: string;
  reason?: AdjustmentReason;
  note?: string;
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

/**
 * How every statement that changes a hub's stock levels (take, reserve, unreserve) begins: it
 * queues on the hub's advisory lock ($1 the hub, `lockClass` the parameter holding the lock's
 * class), then locks the levels of the items $2 names in item order, `wanted` pairing them with
 * the quantities $3. The only place stock rows are locked, and always in this order, so no two
 * of these statements deadlock and they are served in the order they queued.
 */
function queuedLevels(lockClass: string): string {
  return `WITH queued AS MATERIALIZED (
         SELECT pg_advisory_xact_lock(${lockClass}, $1)
       ), wanted AS (
         SELECT * FROM unnest($2::int[], $3::bigint[]) AS w(item_id, quantity)
       ), locked AS MATERIALIZED (
         SELECT s.item_id, s.on_hand, s.reserved FROM stock_level s CROSS JOIN queued
          WHERE s.hub_id = $1 AND s.item_id = ANY($2::int[])
          ORDER BY s.item_id FOR UPDATE OF s
       )`;
}

/**
 * Sends `statement` (a queuedLevels() statement ending in refusedUnlessAll()) with the COMMIT,
 * after every other statement (`last`), its refusal the 409 for `lines`. The hub's queue is
 * joined just before it, in a statement of its own: the queued statement's snapshot is then
 * taken once the queue has come to it, after the holders before it committed, so it locks the
 * levels as they are. Joined inside it, its snapshot came first, before the wait, and PostgreSQL
 * re-checked every level a holder changed meanwhile (EvalPlanQual, which builds a copy of the
 * plan per statement: 6% of PostgreSQL's CPU at 4 clients). Its own queuedLevels() lock is then
 * granted at once (the transaction holds it).
 */
function queuedAtCommit(
  manager: EntityManager,
  hubId: number,
  statement: CommitStatement,
  lines: StockLine[],
): void {
  atCommit(
    manager,
    {
      sql: 'SELECT pg_advisory_xact_lock($1::int, $2::int)',
      parameters: [ADVISORY_LOCK_CLASS.stockQueue, hubId],
    },
    undefined,
    { last: true },
  );
  atCommit(manager, statement, refusal(lines), { last: true });
}

/**
 * Ends a queuedLevels() statement sent with the COMMIT (atCommit) whose changed rows are the CTE
 * `done`: unless every wanted line is among them, it refuses (relief_hub_refuse), detailing each
 * short line with `available` (an expression over its level as locked, `l`), and nothing of the
 * transaction commits.
 */
function refusedUnlessAll(done: string, available: string): string {
  return `SELECT CASE WHEN (SELECT count(*) FROM ${done}) = (SELECT count(*) FROM wanted) THEN true
         ELSE relief_hub_refuse('stock.insufficient', (
           SELECT json_agg(json_build_object('itemId', w.item_id,
                                             'available', COALESCE(${available}, 0))
                           ORDER BY w.item_id)::text
             FROM wanted w LEFT JOIN locked l ON l.item_id = w.item_id
            WHERE w.item_id NOT IN (SELECT item_id FROM ${done})))
         END AS done`;
}

/** The 409 a refusedUnlessAll() statement's refusal means, for these lines. */
function refusal(lines: StockLine[]) {
  return (error: QueryFailedError): DomainError | undefined => {
    const { code, message, detail } = error.driverError as {
      code?: string;
      message?: string;
      detail?: string;
    };
    if (code !== REFUSED || message !== 'stock.insufficient' || !detail) return undefined;
    const byId = new Map(lines.map((line) => [line.item.id, line]));
    const short = JSON.parse(detail) as { itemId: number; available: number | string }[];
    return insufficientStock(
      short.map(({ itemId, available }) => ({
        sku: byId.get(itemId)!.item.sku,
        requested: byId.get(itemId)!.quantity,
        available: Number(available),
      })),
    );
  };
}

/** 409 `stock.insufficient`, listing every short line. */
export function insufficientStock(shortages: Shortage[]): DomainError {
  return new DomainError(
    'stock.insufficient',
    `Insufficient stock of ${shortages.map((s) => s.sku).join(', ')}`,
    { details: { shortages } },
  );
}

export interface StockLevelView {
  sku: string;
  name: string;
  unit: string;
  onHand: number;
  /** Promised to open release orders. */
  reserved: number;
  /** onHand - reserved: what may be promised or taken without a release. */
  available: number;
  weightKg: number;
  volumeM3: number;
}

/** A release order holding stock of an item at a hub (its number, from its RESERVED rows). */
export interface ReservationHolder {
  releaseId: string;
  number: string;
  reserved: number;
}

/**
 * What of a level may be promised or taken without a release, over the `stock_level` row aliased
 * `alias` (absent when the hub never held the item): on hand minus what release orders reserve,
 * for coverage and every other reader alike.
 */
export function availableSql(alias: string): string {
  return `COALESCE(${alias}.on_hand - ${alias}.reserved, 0)`;
}

/** Lines in one fixed order (by item id), so two transactions never lock rows crosswise. */
const inLockOrder = (lines: StockLine[]) => [...lines].sort((a, b) => a.item.id - b.item.id);

/**
 * The stock ledger: every change is appended as movements and applied to the levels in the same
 * transaction, with conditional updates that cannot take a level below zero.
 */
@Injectable()
export class StockService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Puts units on hand (receipts, cancelled dispatches, positive adjustments); with a
   * `releaseId` (a cancelled dispatch of a release still open) they are reserved for it again.
   */
  async add(manager: EntityManager, hubId: number, lines: StockLine[], context: MovementContext) {
    const reserving = context.releaseId !== undefined;
    for (const line of inLockOrder(lines)) {
      await runStatement(
        manager,
        `INSERT INTO stock_level (hub_id, item_id, on_hand, reserved, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (hub_id, item_id)
         DO UPDATE SET on_hand = stock_level.on_hand + EXCLUDED.on_hand,
                       reserved = stock_level.reserved + EXCLUDED.reserved, updated_at = now()`,
        [hubId, line.item.id, line.quantity, reserving ? line.quantity : 0],
      );
    }
    return this.append(manager, hubId, lines, 1, context, reserving ? 1 : 0);
  }

  /**
   * Takes units off hand, all lines or none: when any line is short, throws 409 listing every
   * shortage (the caller's transaction then rolls back what was taken). Without a release only
   * available units (on hand - reserved) may be taken; with `context.releaseId` the units come
   * out of that release's reservation (reserved falls with on hand; the release service has
   * checked they are within what it holds).
   *
   * One statement queues for the hub's stock, locks the lines' levels in item order, takes each
   * line where enough is on hand and appends the movements: the levels are a hot spot every
   * dispatch of the hub locks until it commits, so one round trip instead of one per line keeps
   * them locked for less time. The queue (an advisory lock per hub, granted first come, first
   * served) spares takes of overlapping lines the convoys of waiting on one row after another
   * (the benchmark's 32 clients: p99 352 ms without it, 156 ms with it).
   */
  async take(manager: EntityManager, hubId: number, lines: StockLine[], context: MovementContext) {
    const ordered = inLockOrder(lines);
    const fields = this.movementFields(hubId, context);
    const { sql, parameters } = this.takeStatement(hubId, ordered, context);
    const { rows } = await runStatement<{ id: string; item_id: number; recorded_at: Date }>(
      manager,
      `${sql} SELECT id, item_id, recorded_at FROM moved`,
      parameters,
    );
    const moved = new Map(rows.map((row) => [row.item_id, row]));
    const short = ordered.filter((line) => !moved.has(line.item.id));
    if (short.length > 0) {
      throw await this.shortage(manager, hubId, short, fields.releaseId !== null);
    }
    return lines.map((line) => {
      const row = moved.get(line.item.id)!;
      return {
        ...fields,
        id: String(row.id),
        type: context.type,
        itemId: line.item.id,
        quantity: -line.quantity,
        reservedQuantity: fields.releaseId === null ? 0 : -line.quantity,
        recordedAt: row.recorded_at,
      } as StockMovement;
    });
  }

  /**
   * take(), sent with the transaction's COMMIT (atCommit): the levels stay locked from the take
   * to the commit inside PostgreSQL only, never for a round trip to the app. Every line is taken
   * or the commit is refused with the 409 listing every shortage, as take()'s.
   */
  takeAtCommit(
    manager: EntityManager,
    hubId: number,
    lines: StockLine[],
    context: MovementContext,
  ): void {
    const { sql, parameters } = this.takeStatement(hubId, inLockOrder(lines), context);
    const available = context.releaseId === undefined ? 'l.on_hand - l.reserved' : 'l.reserved';
    queuedAtCommit(
      manager,
      hubId,
      { sql: `${sql} ${refusedUnlessAll('moved', available)}`, parameters },
      lines,
    );
  }

  /**
   * What take() and takeAtCommit() run, up to the CTE `moved` (the movements written): the take
   * of each line where enough is on hand (or, with a release, reserved for it).
   */
  private takeStatement(hubId: number, ordered: StockLine[], context: MovementContext) {
    const fields = this.movementFields(hubId, context);
    return {
      sql: `${queuedLevels('$11')}, taken AS (
         UPDATE stock_level s
            SET on_hand = s.on_hand - w.quantity,
                reserved = s.reserved - CASE WHEN $12::uuid IS NULL THEN 0 ELSE w.quantity END,
                updated_at = now()
           FROM wanted w JOIN locked l ON l.item_id = w.item_id
          WHERE s.hub_id = $1 AND s.item_id = w.item_id
            AND CASE WHEN $12::uuid IS NULL THEN s.on_hand - s.reserved ELSE s.reserved END
                >= w.quantity
         RETURNING s.item_id, w.quantity
       ), moved AS (
         INSERT INTO stock_movement
           (hub_id, item_id, type, quantity, reserved_quantity, release_id, reason, note,
            receipt_id, dispatch_id, occurred_at, recorded_by_id)
         SELECT $1, t.item_id, $4::movement_type, -t.quantity,
                CASE WHEN $12::uuid IS NULL THEN 0 ELSE -t.quantity END, $12::uuid,
                $5::adjustment_reason, $6, $7::uuid, $8::uuid, $9::timestamptz, $10::uuid
           FROM taken t
         RETURNING id, item_id, recorded_at
       )`,
      parameters: [
        hubId,
        ordered.map((line) => line.item.id),
        ordered.map((line) => line.quantity),
        context.type,
        fields.reason,
        fields.note,
        fields.receiptId,
        fields.dispatchId,
        fields.occurredAt,
        fields.recordedById,
        ADVISORY_LOCK_CLASS.stockQueue,
        fields.releaseId,
      ],
    };
  }

  /** Records transit losses of a delivery: facts about the road, not changes to hub stock. */
  async recordTransitLosses(
    manager: EntityManager,
    hubId: number,
    losses: { item: Pick<ItemSnapshot, 'id'>; damaged: number; missing: number }[],
    context: Omit<MovementContext, 'type'>,
  ): Promise<void> {
    if (losses.length === 0) return;
    await manager.insert(
      StockMovement,
      losses.map((loss) => ({
        ...this.movementFields(hubId, context),
        type: MovementType.TransitLoss,
        itemId: loss.item.id,
        quantity: 0,
        damagedQuantity: loss.damaged,
        missingQuantity: loss.missing,
      })),
    );
  }

  /**
   * Reserves units for a release order, all lines or none: reserved grows where enough is
   * available (on hand - reserved), else 409 listing every shortage, `available` being the
   * unreserved units. Queued and locked as take() is, so releases and dispatches racing for the
   * same units are served one after another and never promise or take a unit twice; sent with
   * the transaction's COMMIT (atCommit), as a dispatch's take.
   */
  reserve(
    manager: EntityManager,
    hubId: number,
    lines: StockLine[],
    context: Omit<MovementContext, 'type'> & { releaseId: string; note: string },
  ): void {
    const ordered = inLockOrder(lines);
    const fields = this.movementFields(hubId, context);
    queuedAtCommit(
      manager,
      hubId,
      {
        sql: `${queuedLevels('$8')}, reserved AS (
         UPDATE stock_level s SET reserved = s.reserved + w.quantity, updated_at = now()
           FROM wanted w JOIN locked l ON l.item_id = w.item_id
          WHERE s.hub_id = $1 AND s.item_id = w.item_id AND s.on_hand - s.reserved >= w.quantity
         RETURNING s.item_id, w.quantity
       ), moved AS (
         INSERT INTO stock_movement
           (hub_id, item_id, type, quantity, reserved_quantity, release_id, note, occurred_at,
            recorded_by_id)
         SELECT $1, r.item_id, 'RESERVED', 0, r.quantity, $4::uuid, $5, $6::timestamptz, $7::uuid
           FROM reserved r
         RETURNING item_id
       ) ${refusedUnlessAll('moved', 'l.on_hand - l.reserved')}`,
        parameters: [
          hubId,
          ordered.map((line) => line.item.id),
          ordered.map((line) => line.quantity),
          context.releaseId,
          context.note,
          fields.occurredAt,
          fields.recordedById,
          ADVISORY_LOCK_CLASS.stockQueue,
        ],
      },
      lines,
    );
  }

  /**
   * The 409 of lines that could not be taken or reserved, each with what there is for it now:
   * what the release still reserves (`ofRelease`, a dispatch against it), else the unreserved
   * units (on hand - reserved).
   */
  private async shortage(
    manager: EntityManager,
    hubId: number,
    short: StockLine[],
    ofRelease: boolean,
  ): Promise<DomainError> {
    const levels: { item_id: number; available: string }[] = await manager.query(
      `SELECT item_id, CASE WHEN $3::boolean THEN reserved ELSE on_hand - reserved END AS available
         FROM stock_level WHERE hub_id = $1 AND item_id = ANY($2::int[])`,
      [hubId, short.map((line) => line.item.id), ofRelease],
    );
    const available = new Map(levels.map((l) => [l.item_id, Number(l.available)]));
    return insufficientStock(
      short.map((line) => ({
        sku: line.item.sku,
        requested: line.quantity,
        available: available.get(line.item.id) ?? 0,
      })),
    );
  }

  /** Frees what a release still reserves (it was cancelled): reserved falls, on hand stays. */
  async unreserve(
    manager: EntityManager,
    hubId: number,
    lines: StockLine[],
    context: Omit<MovementContext, 'type'> & { releaseId: string },
  ): Promise<void> {
    const ordered = inLockOrder(lines).filter((line) => line.quantity > 0);
    if (ordered.length === 0) return;
    const fields = this.movementFields(hubId, context);
    await runStatement(
      manager,
      `${queuedLevels('$8')}, freed AS (
         UPDATE stock_level s SET reserved = s.reserved - w.quantity, updated_at = now()
           FROM wanted w JOIN locked l ON l.item_id = w.item_id
          WHERE s.hub_id = $1 AND s.item_id = w.item_id
         RETURNING s.item_id, w.quantity
       )
       INSERT INTO stock_movement
         (hub_id, item_id, type, quantity, reserved_quantity, release_id, note, occurred_at,
          recorded_by_id)
       SELECT $1, f.item_id, 'RESERVATION_RELEASED', 0, -f.quantity, $4::uuid, $5,
              $6::timestamptz, $7::uuid
         FROM freed f`,
      [
        hubId,
        ordered.map((line) => line.item.id),
        ordered.map((line) => line.quantity),
        context.releaseId,
        fields.note,
        fields.occurredAt,
        fields.recordedById,
        ADVISORY_LOCK_CLASS.stockQueue,
      ],
    );
  }

  /**
   * The release orders holding stock of an item at a hub, from the ledger: what each still
   * reserves, named by the number its RESERVED movements carry.
   */
  async holders(
    manager: EntityManager,
    hubId: number,
    itemId: number,
  ): Promise<ReservationHolder[]> {
    const rows: { release_id: string; number: string; reserved: string }[] = await manager.query(
      `SELECT release_id, min(note) FILTER (WHERE type = 'RESERVED') AS number,
              sum(reserved_quantity) AS reserved
         FROM stock_movement
        WHERE hub_id = $1 AND item_id = $2 AND release_id IS NOT NULL
        GROUP BY release_id HAVING sum(reserved_quantity) > 0
        ORDER BY number`,
      [hubId, itemId],
    );
    return rows.map((r) => ({
      releaseId: r.release_id,
      number: r.number,
      reserved: Number(r.reserved),
    }));
  }

  /**
   * What each release order still reserves per item at a hub, from the ledger: now, or at an
   * instant (movements that occurred before it), so the pipeline "as of" a day is answerable.
   */
  async reservedByRelease(
    hubId: number,
    at?: Date,
  ): Promise<{ releaseId: string; itemId: number; reserved: number }[]> {
    const rows: { release_id: string; item_id: number; reserved: string }[] =
      await this.dataSource.query(
        `SELECT release_id, item_id, sum(reserved_quantity) AS reserved
           FROM stock_movement
          WHERE hub_id = $1 AND release_id IS NOT NULL
            AND ($2::timestamptz IS NULL OR occurred_at < $2)
          GROUP BY release_id, item_id HAVING sum(reserved_quantity) > 0`,
        [hubId, at ?? null],
      );
    return rows.map((r) => ({
      releaseId: r.release_id,
      itemId: r.item_id,
      reserved: Number(r.reserved),
    }));
  }

  async onHand(manager: EntityManager, hubId: number, itemId: number): Promise<number> {
    const [row] = await manager.query(
      'SELECT on_hand FROM stock_level WHERE hub_id = $1 AND item_id = $2',
      [hubId, itemId],
    );
    return row ? Number(row.on_hand) : 0;
  }

  /** Every catalogue item's level at the hub: now (the projection) or at the end of a day. */
  async levels(hub: Hub, asOf?: string, sku?: string): Promise<StockLevelView[]> {
    const onHand = asOf
      ? `(SELECT item_id, sum(quantity) AS on_hand, sum(reserved_quantity) AS reserved
            FROM stock_movement WHERE hub_id = $1 AND occurred_at < $3 GROUP BY item_id)`
      : `(SELECT item_id, on_hand, reserved FROM stock_level WHERE hub_id = $1)`;
    const rows: {
      sku: string;
      name: string;
      unit: string;
      unit_weight_kg: string;
      unit_volume_m3: string;
      on_hand: string;
      reserved: string;
    }[] = await this.dataSource.query(
      `SELECT i.sku, i.name, i.unit, i.unit_weight_kg::text, i.unit_volume_m3::text,
              COALESCE(s.on_hand, 0)::text AS on_hand, COALESCE(s.reserved, 0)::text AS reserved
         FROM item i LEFT JOIN ${onHand} s ON s.item_id = i.id
        WHERE ($2::text IS NULL OR i.sku = $2)
        ORDER BY i.sku`,
      asOf ? [hub.id, sku ?? null, endOfDay(asOf, hub.timeZone)] : [hub.id, sku ?? null],
    );
    return rows.map((row) => {
      const units = BigInt(row.on_hand);
      return {
        sku: row.sku,
        name: row.name,
        unit: row.unit,
        onHand: Number(units),
        reserved: Number(row.reserved),
        available: Math.max(Number(units) - Number(row.reserved), 0),
        weightKg: roundMicro(units * toMicro(row.unit_weight_kg)),
        volumeM3: roundMicro(units * toMicro(row.unit_volume_m3)),
      };
    });
  }

  /**
   * Households the hub's available stock covers, for one kit (by code) or every kit: one query
   * whatever the number of kits and items. An unknown kit is the client's 422.
   */
  async coverage(hub: Hub, kit?: string, asOf?: string): Promise<KitCoverage[]> {
    // At the end of a past day (a weekly report's Sunday): what the ledger had on hand then.
    const available = asOf
      ? `COALESCE((SELECT sum(m.quantity) FROM stock_movement m
                    WHERE m.hub_id = $1 AND m.item_id = c.item_id AND m.occurred_at < $3), 0)`
      : availableSql('s');
    const rows: CoverageRow[] = await this.dataSource.query(
      `SELECT k.code AS kit, k.name AS "kitName", k.household_size AS "householdSize", i.sku,
              i.name, ${available}::float8 AS available, c.quantity AS "perKit"
         FROM kit k
         JOIN kit_component c ON c.kit_id = k.id AND c.version = k.version
         JOIN item i ON i.id = c.item_id
         LEFT JOIN stock_level s ON s.hub_id = $1 AND s.item_id = c.item_id
        WHERE ($2::text IS NULL OR k.code = $2)`,
      asOf ? [hub.id, kit ?? null, endOfDay(asOf, hub.timeZone)] : [hub.id, kit ?? null],
    );
    if (kit !== undefined && rows.length === 0) {
      throw new UnprocessableEntityException(`Unknown kit ${kit}`);
    }
    return coverageOf(rows);
  }

  movements(hub: Hub, query: MovementsQuery): Promise<Page<StockMovement>> {
    const qb = this.dataSource
      .getRepository(StockMovement)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.item', 'item')
      .innerJoinAndSelect('m.recordedBy', 'user')
      .where('m.hubId = :hubId', { hubId: hub.id });
    if (query.sku) qb.andWhere('item.sku = :sku', { sku: query.sku });
    if (query.type) qb.andWhere('m.type = :type', { type: query.type });
    if (query.from)
      qb.andWhere('m.occurredAt >= :from', { from: startOfDay(query.from, hub.timeZone) });
    if (query.to) qb.andWhere('m.occurredAt < :to', { to: endOfDay(query.to, hub.timeZone) });
    return paginate(qb, query, ['m.occurredAt', 'm.id'], 'DESC', (m) => [
      m.occurredAt.toISOString(),
      m.id,
    ]);
  }

  private async append(
    manager: EntityManager,
    hubId: number,
    lines: StockLine[],
    sign: 1 | -1,
    context: MovementContext,
    reservedSign: 1 | 0 = 0,
  ): Promise<StockMovement[]> {
    const rows = lines.map((line) => ({
      ...this.movementFields(hubId, context),
      type: context.type,
      itemId: line.item.id,
      quantity: sign * line.quantity,
      reservedQuantity: reservedSign * line.quantity,
    }));
    const result = await manager.insert(StockMovement, rows);
    return rows.map((row, i) => ({ ...row, ...result.generatedMaps[i] }) as StockMovement);
  }

  private movementFields(hubId: number, context: Omit<MovementContext, 'type'>) {
    return {
      hubId,
      occurredAt: context.occurredAt,
      recordedById: context.recordedById,
      receiptId: context.receiptId ?? null,
      dispatchId: context.dispatchId ?? null,
      releaseId: context.releaseId ?? null,
      reason: context.reason ?? null,
      note: context.note ?? null,
    };
  }
}
