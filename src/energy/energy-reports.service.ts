import { BadRequestException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Permitted } from '../auth/permissions.js';
import { Clock } from '../common/clock.service.js';
import { HubsService } from '../hubs/hubs.service.js';
import { roundMicro, toMicro } from '../common/decimal.js';
import { addDays, endOfDay, localDay, startOfDay } from '../common/time/zoned.js';
import { Environment } from '../config/environment.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { StatsService } from '../stats/stats.service.js';
import {
  EnergyReportItem,
  EnergyReportQuery,
  EnergyReportResponse,
} from './dto/energy-report.dto.js';
import { KpiBasis, PeriodTotals, periodKpis } from './energy-kpis.js';
import { monthDays, profileMicro } from './expected-yield.js';
import { Hub } from '../hubs/hub.entity.js';
import { ENERGY_EVENTS } from './energy-rollup.service.js';
import { PvSystemsService, PvSystemWithHub } from './pv-systems.service.js';
import { daysBetween, defaultFrom, EnergyInterval, periodsCovering } from './report-periods.js';

/** About ten years of days: enough for any report, short of a runaway loop. */
const MAX_REPORT_DAYS = 3660;

interface DayRollup {
  day: string;
  readings: number;
  readings_with_consumption: number;
  readings_with_export: number;
  readings_with_irradiation: number;
  generated_kwh: string;
  consumed_kwh: string;
  exported_kwh: string;
  irradiation_kwh_m2: string;
}

@Injectable()
export class EnergyReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Environment, true>,
    private readonly systems: PvSystemsService,
    private readonly hubs: HubsService,
    private readonly stats: StatsService,
    private readonly clock: Clock,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * The KPIs of a PV system per day, week (Monday to Sunday) or calendar month, from the daily
   * rollups. Each period counts its days from commissioning up to today (hub time); periods
   * with no such day are left out.
   */
  async report(query: EnergyReportQuery, user: Permitted): Promise<EnergyReportResponse> {
    const system = await this.systems.resolve(query.system);
    // The system names its hub: reading its figures is reading that hub's data.
    await this.hubs.resolveFor(user, 'hub.read', system.hub.code);
    return this.reportOf(system, query);
  }

  /**
   * The report of a system already in hand (the weekly report's job, which got it from its
   * hub): no user, no check, so it takes the system itself and never a code from a request.
   */
  async reportOf(
    system: PvSystemWithHub,
    query: Omit<EnergyReportQuery, 'system'>,
  ): Promise<EnergyReportResponse> {
    const { hub } = system;
    const interval = query.interval ?? EnergyInterval.Day;
    const today = localDay(this.clock.now(), hub.timeZone);
    const to = query.to ?? today;
    const from = query.from ?? defaultFrom(to, interval);
    if (from > to) throw new BadRequestException('from must not be after to');
    if (daysBetween(from, to) >= MAX_REPORT_DAYS) {
      throw new BadRequestException(`A report covers at most ${MAX_REPORT_DAYS} days`);
    }
    const counted = periodsCovering(from, to, interval)
      .map((period) => {
        const first = system.commissionedOn && system.commissionedOn > period.start;
        const last = period.end > today ? today : period.end;
        return { ...period, first: first ? system.commissionedOn! : period.start, last };
      })
      .filter((period) => period.first <= period.last);

    const basis: KpiBasis = {
      capacityKwp: toMicro(system.capacityKwp),
      emissionFactorKgPerKwh: toMicro(this.config.get('GRID_EMISSION_FACTOR_KG_PER_KWH')),
      expectedSpecificYieldKwhPerKwpYear: toMicro(
        this.config.get('EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR'),
      ),
      targetPerformanceRatio: toMicro(system.targetPerformanceRatio),
      monthlyProfile: profileMicro(system.monthlyProfile),
    };
    const response = {
      system: system.code,
      hub: hub.code,
      interval,
      from,
      to,
      capacityKwp: Number(system.capacityKwp),
      emissionFactorKgPerKwh: this.config.get('GRID_EMISSION_FACTOR_KG_PER_KWH'),
      expectedSpecificYieldKwhPerKwpYear: this.config.get(
        'EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR',
      ),
      targetPerformanceRatio: Number(system.targetPerformanceRatio),
      monthlyProfile: profileMicro(system.monthlyProfile).map((share) => roundMicro(share, 6)),
    };
    if (counted.length === 0) return { ...response, pendingDays: 0, items: [] };

    const first = counted[0].first;
    const last = counted[counted.length - 1].last;
    const [rollups, tonnes, pendingDays] = await Promise.all([
      this.rollups(system.id, first, last),
      // From the dispatch statistics' day rollups, so they agree with GET /api/stats/dispatches.
      this.stats.tonnesPerDay(hub, first, last),
      this.pendingDays(system, first, last),
    ]);
    const items = counted.map((period): EnergyReportItem => {
      const totals: PeriodTotals = {
        days: daysBetween(period.first, period.last) + 1,
        monthDays: monthDays(period.first, period.last),
        durationMs:
          endOfDay(period.last, hub.timeZone).getTime() -
          startOfDay(period.first, hub.timeZone).getTime(),
        readings: 0,
        readingsWithConsumption: 0,
        readingsWithExport: 0,
        readingsWithIrradiation: 0,
        generatedKwh: 0n,
        consumedKwh: 0n,
        exportedKwh: 0n,
        irradiationKwhM2: 0n,
        tonnesDispatched: 0n,
      };
      for (let day = period.first; day <= period.last; day = addDays(day, 1)) {
        totals.tonnesDispatched += tonnes.get(day) ?? 0n;
        const rollup = rollups.get(day);
        if (!rollup) continue;
        totals.readings += rollup.readings;
        totals.readingsWithConsumption += rollup.readings_with_consumption;
        totals.readingsWithExport += rollup.readings_with_export;
        totals.readingsWithIrradiation += rollup.readings_with_irradiation;
        totals.generatedKwh += toMicro(rollup.generated_kwh);
        totals.consumedKwh += toMicro(rollup.consumed_kwh);
        totals.exportedKwh += toMicro(rollup.exported_kwh);
        totals.irradiationKwhM2 += toMicro(rollup.irradiation_kwh_m2);
      }
      return {
        periodStart: period.start,
        periodEnd: period.end,
        days: totals.days,
        readings: totals.readings,
        ...periodKpis(totals, basis),
      };
    });
    return { ...response, pendingDays, items };
  }

  /**
   * What the hub's PV systems generated from `from` (null: since the first reading) to `to`,
   * hub days inclusive, from the daily rollups, and the CO2 that kept off the grid
   * (x GRID_EMISSION_FACTOR_KG_PER_KWH); exact, in millionths.
   */
  async hubGeneration(
    hub: Hub,
    from: string | null,
    to: string,
  ): Promise<{ generatedKwh: bigint; co2AvoidedKg: bigint; pendingDays: number }> {
    const [[row], pending] = await Promise.all([
      this.dataSource.query<{ generated: string }[]>(
        `SELECT COALESCE(sum(e.generated_kwh), 0)::text AS generated
           FROM energy_day e JOIN pv_system s ON s.id = e.system_id
          WHERE s.hub_id = $1 AND ($2::date IS NULL OR e.day >= $2::date) AND e.day <= $3::date`,
        [hub.id, from, to],
      ),
      this.outbox.pendingEvents(hub.id, ENERGY_EVENTS),
    ]);
    const days = new Set<string>();
    for (const { payload } of pending) {
      for (const day of payload.days) {
        if ((from === null || day >= from) && day <= to) days.add(`${payload.systemId} ${day}`);
      }
    }
    const generatedKwh = toMicro(row.generated);
    const factor = toMicro(this.config.get('GRID_EMISSION_FACTOR_KG_PER_KWH'));
    return {
      generatedKwh,
      co2AvoidedKg: (generatedKwh * factor) / 1_000_000n,
      pendingDays: days.size,
    };
  }

  private async rollups(systemId: number, from: string, to: string) {
    const rows = await this.dataSource.query<DayRollup[]>(
      `SELECT day::text AS day, readings, readings_with_consumption, readings_with_export,
              readings_with_irradiation, generated_kwh::text, consumed_kwh::text,
              exported_kwh::text, irradiation_kwh_m2::text
         FROM energy_day WHERE system_id = $1 AND day BETWEEN $2::date AND $3::date`,
      [systemId, from, to],
    );
    return new Map(rows.map((row) => [row.day, row]));
  }

  /** The days from `from` to `to` whose readings changed since their rollup: outbox events. */
  private async pendingDays(system: PvSystemWithHub, from: string, to: string): Promise<number> {
    const days = new Set<string>();
    for (const { payload } of await this.outbox.pendingEvents(system.hubId, ENERGY_EVENTS)) {
      if (payload.systemId !== system.id) continue;
      for (const day of payload.days) if (day >= from && day <= to) days.add(day);
    }
    return days.size;
  }
}
