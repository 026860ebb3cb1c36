import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.service.js';
import { ratio, roundMicro, toMicro } from '../common/decimal.js';
import { addDays, localDay } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';
import { JobName, QueueName } from '../jobs/jobs.constants.js';
import { JobsService } from '../jobs/jobs.service.js';
import { OutboxService } from '../outbox/outbox.service.js';
import {
  DispatchStatsResponse,
  PeriodStats,
  TransportEmissions,
  RebuildStatus,
  TimeseriesResponse,
} from './dto/stats.dto.js';
import { rollupWindow } from './rollup-window.js';
import { DISPATCH_EVENTS } from './rollup.service.js';
import { pluralOf, summarySentence } from './summary.js';

const KG_PER_TONNE = toMicro(1000);

export interface Window {
  hub: Hub;
  /** Inclusive days, hub time. */
  from: string | null;
  asOf: string;
  emergency: string | null;
}

/**
 * A window's rollup rows: whole months from the monthly rollups, the days around them from the
 * daily ones, so a figure over years sums a few hundred rows per destination or item. Callers
 * sum them by id first, then join the few destinations and items. A window that ends before it
 * starts is the client's 400.
 */
function windowRows(window: Window) {
  if (window.from && window.from > window.asOf) {
    throw new BadRequestException('from must not be after asOf');
  }
  const { months, days } = rollupWindow(window.from, window.asOf);
  const params = [
    window.hub.id,
    window.emergency,
    months !== null,
    months?.from ?? null,
    months?.until ?? null,
    days[0]?.[0] ?? null,
    days[0]?.[1] ?? null,
    days[1]?.[0] ?? null,
    days[1]?.[1] ?? null,
  ];
  const rows = (columns: string, monthly: string, daily: string) => `
      SELECT ${columns} FROM ${monthly}
       WHERE hub_id = $1 AND ($2::text IS NULL OR emergency = $2) AND $3::boolean
         AND ($4::date IS NULL OR month >= $4::date) AND month < $5::date
      UNION ALL
      SELECT ${columns} FROM ${daily}
       WHERE hub_id = $1 AND ($2::text IS NULL OR emergency = $2)
         AND (day BETWEEN $6::date AND $7::date OR day BETWEEN $8::date AND $9::date)`;
  return { params, rows };
}

/** Reads statistics from the rollups only: fast however many dispatches there are. */
@Injectable()
export class StatsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  today(hub: Hub): string {
    return localDay(this.clock.now(), hub.timeZone);
  }

  async dispatchStats(window: Window): Promise<DispatchStatsResponse> {
    const { params, rows } = windowRows(window);
    const [destinations, items, pending] = await Promise.all([
      this.dataSource.query(
        `SELECT d.code, d.name, r.trucks::int, r.tonnage_kg::text, r.volume_m3::text,
                r.first_at, r.last_at, r.households::float8 AS households
           FROM (SELECT destination_id, sum(trucks) AS trucks, sum(tonnage_kg) AS tonnage_kg,
                        sum(volume_m3) AS volume_m3, min(first_dispatch_at) AS first_at,
                        max(last_dispatch_at) AS last_at, sum(households) AS households
                   FROM (${rows(
                     'destination_id, trucks, tonnage_kg, volume_m3, first_dispatch_at, last_dispatch_at, households',
                     'dispatch_month_rollup',
                     'dispatch_rollup',
                   )}) x
                  GROUP BY destination_id HAVING sum(trucks) <> 0) r
           JOIN destination d ON d.id = r.destination_id`,
        params,
      ) as Promise<
        {
          code: string;
          name: string;
          trucks: number;
          tonnage_kg: string;
          volume_m3: string;
          first_at: Date | null;
          last_at: Date | null;
          households: number;
        }[]
      >,
      this.dataSource.query(
        `SELECT i.sku, i.name, i.plural_name, r.quantity::text, r.weight_kg::text
           FROM (SELECT item_id, sum(quantity) AS quantity, sum(weight_kg) AS weight_kg
                   FROM (${rows(
                     'item_id, quantity, weight_kg',
                     'dispatch_item_month_rollup',
                     'dispatch_item_rollup',
                   )}) x
                  GROUP BY item_id HAVING sum(quantity) <> 0) r
           JOIN item i ON i.id = r.item_id`,
        params,
      ) as Promise<
        {
          sku: string;
          name: string;
          plural_name: string | null;
          quantity: string;
          weight_kg: string;
        }[]
      >,
      this.pendingEvents(window.hub),
    ]);

    const byTonnage = <T extends { kg: bigint; key: string }>(a: T, b: T) =>
      a.kg === b.kg ? a.key.localeCompare(b.key) : a.kg > b.kg ? -1 : 1;
    const dests = destinations
      .map((d) => ({ ...d, kg: toMicro(d.tonnage_kg), key: d.code }))
      .sort(byTonnage);
    const goods = items
      .map((i) => ({ ...i, kg: toMicro(i.weight_kg), key: i.sku }))
      .sort(byTonnage);
    const tonnage = dests.reduce((sum, d) => sum + d.kg, 0n);
    const volume = dests.reduce((sum, d) => sum + toMicro(d.volume_m3), 0n);
    const trucks = dests.reduce((sum, d) => sum + d.trucks, 0);
    const households = dests.reduce((sum, d) => sum + d.households, 0);
    const times = (key: 'first_at' | 'last_at') =>
      dests
        .map((d) => d[key])
        .filter((t): t is Date => t !== null)
        .map((t) => t.getTime());
    const firsts = times('first_at');
    const lasts = times('last_at');

    return {
      hub: window.hub.code,
      from: window.from,
      asOf: window.asOf,
      emergency: window.emergency,
      trucks,
      tonnes: ratio(tonnage, KG_PER_TONNE),
      volumeM3: roundMicro(volume),
      households,
      destinations: dests.map((d) => ({
        code: d.code,
        name: d.name,
        trucks: d.trucks,
        tonnes: ratio(d.kg, KG_PER_TONNE),
        households: d.households,
      })),
      items: goods.map((i) => ({
        sku: i.sku,
        name: i.name,
        quantity: Number(i.quantity),
        tonnes: ratio(i.kg, KG_PER_TONNE),
      })),
      firstDispatchAt: firsts.length ? new Date(Math.min(...firsts)).toISOString() : null,
      lastDispatchAt: lasts.length ? new Date(Math.max(...lasts)).toISOString() : null,
      pendingEvents: pending,
      summary: summarySentence({
        asOf: window.asOf,
        hubShortName: window.hub.shortName,
        trucks,
        tonnageKg: Number(tonnage / 1_000_000n),
        tonnes: ratio(tonnage, KG_PER_TONNE),
        households,
        destinations: dests.map((d) => ({ name: d.name, tonnageKg: Number(d.kg / 1_000_000n) })),
        items: goods.map((i) => ({
          plural: i.plural_name ?? pluralOf(i.name),
          tonnageKg: Number(i.kg / 1_000_000n),
        })),
      }),
    };
  }

  /**
   * Transport emissions of the window, from the rollups: each dispatch's own figures as recorded
   * (its distance, method and CO2e), per destination, largest emitter first.
   */
  async emissionStats(window: Window): Promise<TransportEmissions> {
    const { params, rows } = windowRows(window);
    const [destinations, pending] = await Promise.all([
      this.dataSource.query<
        {
          code: string;
          name: string;
          trucks: number;
          tonne_km: string;
          co2e_kg: string;
          fuel: number;
          default: number;
        }[]
      >(
        `SELECT d.code, d.name, r.trucks::int, r.tonne_km::text, r.co2e_kg::text,
                r.fuel::int, r.default::int
           FROM (SELECT destination_id, sum(trucks) AS trucks, sum(tonne_km) AS tonne_km,
                        sum(co2e_kg) AS co2e_kg, sum(fuel_trucks) AS fuel,
                        sum(default_trucks) AS default
                   FROM (${rows(
                     'destination_id, trucks, tonne_km, co2e_kg, fuel_trucks, default_trucks',
                     'dispatch_month_rollup',
                     'dispatch_rollup',
                   )}) x
                  GROUP BY destination_id HAVING sum(trucks) <> 0) r
           JOIN destination d ON d.id = r.destination_id`,
        params,
      ),
      this.pendingEvents(window.hub),
    ]);
    const dests = destinations
      .map((d) => ({ ...d, co2e: toMicro(d.co2e_kg), tkm: toMicro(d.tonne_km) }))
      .sort((a, b) =>
        a.co2e === b.co2e ? a.code.localeCompare(b.code) : a.co2e > b.co2e ? -1 : 1,
      );
    const sum = (pick: (d: (typeof dests)[number]) => bigint) =>
      dests.reduce((total, d) => total + pick(d), 0n);
    const count = (pick: (d: (typeof dests)[number]) => number) =>
      dests.reduce((total, d) => total + pick(d), 0);
    const tonneKm = sum((d) => d.tkm);
    const co2eKg = sum((d) => d.co2e);
    const fuel = count((d) => d.fuel);
    const dflt = count((d) => d.default);
    return {
      trucks: count((d) => d.trucks),
      tonneKmMicro: tonneKm,
      co2eKgMicro: co2eKg,
      tonneKm: roundMicro(tonneKm),
      co2eKg: roundMicro(co2eKg),
      intensityKgPerTkm: tonneKm > 0n ? ratio(co2eKg, tonneKm, 4) : null,
      byDestination: dests.map((d) => ({
        code: d.code,
        name: d.name,
        trucks: d.trucks,
        tonneKm: roundMicro(d.tkm),
        co2eKg: roundMicro(d.co2e),
      })),
      byMethod: { fuel, default: dflt, unknown: count((d) => d.trucks) - fuel - dflt },
      pendingEvents: pending,
    };
  }

  /** Trucks and tonnes per week (Monday start) or calendar month, empty periods included. */
  async timeseries(
    hub: Hub,
    interval: 'week' | 'month',
    from: string | undefined,
    to: string | undefined,
    emergency: string | undefined,
  ): Promise<TimeseriesResponse> {
    const last = to ?? this.today(hub);
    const first = from ?? this.periodsBack(last, interval, 11);
    if (first > last) throw new BadRequestException('from must not be after to');
    const rows: { period: string; trucks: number; tonnage_kg: string }[] =
      await this.dataSource.query(
        `SELECT to_char(p.period, 'YYYY-MM-DD') AS period,
              COALESCE(sum(r.trucks), 0)::int AS trucks, COALESCE(sum(r.tonnage_kg), 0)::text AS tonnage_kg
         FROM generate_series(date_trunc($4, $2::date), $3::date, ('1 ' || $4)::interval) AS p(period)
         LEFT JOIN dispatch_rollup r
           ON r.hub_id = $1 AND r.day >= GREATEST(p.period::date, $2::date)
          AND r.day < (p.period + ('1 ' || $4)::interval)::date AND r.day <= $3::date
          AND ($5::text IS NULL OR r.emergency = $5)
        GROUP BY p.period ORDER BY p.period`,
        [hub.id, first, last, interval, emergency ?? null],
      );
    const items: PeriodStats[] = rows.map((row) => ({
      periodStart: row.period,
      trucks: row.trucks,
      tonnes: ratio(toMicro(row.tonnage_kg), KG_PER_TONNE),
    }));
    return { hub: hub.code, interval, from: first, to: last, items };
  }

  /**
   * Tonnes (in millionths) of the hub's dispatches not cancelled, by the hub day they left on,
   * from `from` to `to` inclusive: what GET /api/stats/dispatches counts, pending events aside.
   * Days without a dispatch are absent.
   */
  async tonnesPerDay(hub: Hub, from: string, to: string): Promise<Map<string, bigint>> {
    const rows = await this.dataSource.query<{ day: string; tonnes: string }[]>(
      `SELECT day::text, round(sum(tonnage_kg) / 1000, 6)::text AS tonnes
         FROM dispatch_rollup
        WHERE hub_id = $1 AND day BETWEEN $2::date AND $3::date
        GROUP BY day HAVING sum(trucks) > 0`,
      [hub.id, from, to],
    );
    return new Map(rows.map((row) => [row.day, toMicro(row.tonnes)]));
  }

  /** Dispatch changes at the hub the rollups do not include yet. */
  pendingEvents(hub: Hub): Promise<number> {
    return this.outbox.pending(hub.id, DISPATCH_EVENTS);
  }

  async requestRebuild(userId: string): Promise<string> {
    const job = await this.jobs.enqueue(JobName.RebuildStats, { requestedBy: userId });
    return job.id!;
  }

  async rebuildStatus(jobId: string): Promise<RebuildStatus> {
    const job = await this.jobs.queue(QueueName.Stats).getJob(jobId);
    if (!job || job.name !== JobName.RebuildStats)
      throw new NotFoundException(`No rebuild job ${jobId}`);
    const state = await job.getState();
    return {
      jobId,
      state,
      ...(state === 'completed' ? { result: job.returnvalue } : {}),
      ...(state === 'failed' ? { failedReason: job.failedReason } : {}),
    };
  }

  private periodsBack(day: string, interval: 'week' | 'month', periods: number): string {
    if (interval === 'week') return addDays(day, -7 * periods);
    const [y, m] = day.split('-').map(Number);
    const date = new Date(Date.UTC(y, m - 1 - periods, 1));
    return date.toISOString().slice(0, 10);
  }
}
