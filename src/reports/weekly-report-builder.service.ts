import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CarbonService } from '../carbon/carbon.service.js';
import { ratio, roundDecimal, roundMicro, toMicro } from '../common/decimal.js';
import { tonnageKg } from '../common/dispatch-rules.js';
import { addDays, endOfDay, toZonedIso } from '../common/time/zoned.js';
import { Environment } from '../config/environment.js';
import { DispatchRegisterService } from '../dispatches/dispatch-register.service.js';
import { Hub } from '../hubs/hub.entity.js';
import { JobName } from '../jobs/jobs.constants.js';
import { JobsService } from '../jobs/jobs.service.js';
import { RollupService } from '../stats/rollup.service.js';
import { StatsService } from '../stats/stats.service.js';
import { ReleasesService } from '../releases/releases.service.js';
import { StockService } from '../stock/stock.service.js';
import { WeeklyCarbon, WeeklyEnergy, WeeklyReportContent } from './dto/weekly-report.dto.js';
import { EnergyReportsService } from '../energy/energy-reports.service.js';
import { EnergyInterval } from '../energy/report-periods.js';
import { PvSystemsService } from '../energy/pv-systems.service.js';
import { DeliveryStatus } from './weekly-report.entity.js';

const KG_PER_TONNE = toMicro(1000);

/** Builds a week's report from the statistics and stores it: one row per hub and week. */
@Injectable()
export class WeeklyReportBuilder {
  private readonly logger = new Logger(WeeklyReportBuilder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stats: StatsService,
    private readonly stock: StockService,
    private readonly rollups: RollupService,
    private readonly jobs: JobsService,
    private readonly config: ConfigService<Environment, true>,
    private readonly energyReports: EnergyReportsService,
    private readonly pvSystems: PvSystemsService,
    private readonly register: DispatchRegisterService,
    private readonly carbon: CarbonService,
    private readonly releases: ReleasesService,
  ) {}

  async build(hub: Hub, weekStart: string): Promise<{ reportId: string; version: number }> {
    // The hub's pending events first, so the report counts every committed dispatch.
    await this.rollups.catchUp(hub.id);
    const content = await this.content(hub, weekStart);
    const webhook = this.config.get('REPORT_WEBHOOK_URL', { infer: true });
    const [row]: { id: string; version: number; delivered_version: number | null }[] =
      await this.dataSource.query(
        `INSERT INTO weekly_report
           (hub_id, week_start, week_end, trucks, tonnes, content, content_hash, version,
            generated_at, delivery_status, delivery_attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, now(), $8, 0)
         ON CONFLICT (hub_id, week_start) DO UPDATE SET
           week_end = EXCLUDED.week_end, trucks = EXCLUDED.trucks, tonnes = EXCLUDED.tonnes,
           content = EXCLUDED.content, generated_at = EXCLUDED.generated_at,
           version = CASE WHEN weekly_report.content_hash = EXCLUDED.content_hash
                          THEN weekly_report.version ELSE weekly_report.version + 1 END,
           delivery_status = CASE WHEN weekly_report.content_hash = EXCLUDED.content_hash
                                  THEN weekly_report.delivery_status ELSE EXCLUDED.delivery_status END,
           content_hash = EXCLUDED.content_hash
         RETURNING id, version, delivered_version`,
        [
          hub.id,
          weekStart,
          content.weekEnd,
          content.trucks,
          content.tonnes,
          JSON.stringify(content),
          createHash('sha256').update(JSON.stringify(content)).digest('hex'),
          webhook ? DeliveryStatus.Pending : DeliveryStatus.NotConfigured,
        ],
      );
    if (webhook && (row.delivered_version ?? 0) < row.version) {
      await this.jobs.enqueue(
        JobName.DeliverWeeklyReport,
        { reportId: row.id, version: row.version },
        { jobId: `deliver-${row.id}-v${row.version}` },
      );
    }
    this.logger.log(`Weekly report ${hub.code} ${weekStart} built (version ${row.version})`);
    return { reportId: row.id, version: row.version };
  }

  private async content(hub: Hub, weekStart: string): Promise<WeeklyReportContent> {
    const weekEnd = addDays(weekStart, 6);
    const previousStart = addDays(weekStart, -7);
    const [
      week,
      previous,
      cumulative,
      chart,
      dispatches,
      stock,
      coverage,
      energy,
      carbon,
      pipeline,
    ] = await Promise.all([
      this.stats.dispatchStats({ hub, from: weekStart, asOf: weekEnd, emergency: null }),
      this.stats.dispatchStats({
        hub,
        from: previousStart,
        asOf: addDays(previousStart, 6),
        emergency: null,
      }),
      this.stats.dispatchStats({ hub, from: null, asOf: weekEnd, emergency: null }),
      this.stats.timeseries(hub, 'week', addDays(weekStart, -77), weekEnd, undefined),
      this.dispatches(hub, weekStart, weekEnd),
      this.stock.levels(hub, weekEnd),
      this.stock.coverage(hub, undefined, weekEnd),
      this.energy(hub, weekStart, weekEnd),
      this.carbonOf(hub, weekStart, weekEnd),
      this.releases.pipeline(hub, endOfDay(weekEnd, hub.timeZone), weekEnd),
    ]);
    return {
      hub: hub.code,
      hubName: hub.name,
      weekStart,
      weekEnd,
      trucks: week.trucks,
      tonnes: week.tonnes,
      volumeM3: week.volumeM3,
      households: week.households,
      destinations: week.destinations,
      items: week.items,
      previousWeek: { trucks: previous.trucks, tonnes: previous.tonnes },
      cumulative: {
        trucks: cumulative.trucks,
        tonnes: cumulative.tonnes,
        summary: cumulative.summary,
      },
      dispatches,
      stock: stock.map((s) => ({ sku: s.sku, name: s.name, unit: s.unit, onHand: s.onHand })),
      coverage: coverage.map((k) => ({
        kit: k.kit,
        name: k.name,
        households: k.households,
        people: k.people,
        limitingItems: k.limitingItems
          .filter((i) => i.households === k.households)
          .map((i) => i.name),
      })),
      chart: chart.items.map((p) => ({ weekStart: p.periodStart, tonnes: p.tonnes })),
      ...(energy ? { energy } : {}),
      carbon,
      pipeline: {
        releases: pipeline.releases,
        tonnes: pipeline.tonnes,
        volumeM3: pipeline.volumeM3,
        households: pipeline.households,
        trucks: pipeline.trucks,
        groups: pipeline.groups,
      },
    };
  }

  /** The week's transport emissions against what the solar plant avoided. */
  private async carbonOf(hub: Hub, weekStart: string, weekEnd: string): Promise<WeeklyCarbon> {
    const figures = await this.carbon.emissions({
      hub,
      from: weekStart,
      asOf: weekEnd,
      emergency: null,
    });
    return {
      co2eKg: figures.co2eKg,
      tonneKm: figures.tonneKm,
      intensityKgPerTkm: figures.intensityKgPerTkm,
      destinations: figures.byDestination,
      byMethod: figures.byMethod,
      solarGeneratedKwh: figures.solar.generatedKwh,
      co2AvoidedKg: figures.solar.co2AvoidedKg,
      netCo2eKg: figures.netCo2eKg,
    };
  }

  /** Generation, CO2 avoided and kWh per tonne of the hub's PV systems over the week. */
  private async energy(
    hub: Hub,
    weekStart: string,
    weekEnd: string,
  ): Promise<WeeklyEnergy | undefined> {
    const systems = await this.pvSystems.ofHub(hub.id);
    if (systems.length === 0) return undefined;
    const reports = await Promise.all(
      systems.map((s) =>
        this.energyReports.reportOf(
          { ...s, hub },
          {
            interval: EnergyInterval.Week,
            from: weekStart,
            to: weekEnd,
          },
        ),
      ),
    );
    const rows = reports.map((r) => {
      const week = r.items[0];
      return {
        system: r.system,
        generatedKwh: week?.generatedKwh ?? 0,
        expectedKwh: week?.expectedKwh ?? 0,
        readings: week?.readings ?? 0,
        underperforming: week?.underperforming ?? null,
        co2AvoidedKg: week?.co2AvoidedKg ?? 0,
        kwhPerTonneDispatched: week?.kwhPerTonneDispatched ?? null,
      };
    });
    const sum = (key: 'generatedKwh' | 'co2AvoidedKg') =>
      roundMicro(rows.reduce((total, row) => total + toMicro(row[key]), 0n));
    return { generatedKwh: sum('generatedKwh'), co2AvoidedKg: sum('co2AvoidedKg'), systems: rows };
  }

  /** The week's trucks, from the dispatch register, each with its tonnage. */
  private async dispatches(hub: Hub, weekStart: string, weekEnd: string) {
    const trucks: WeeklyReportContent['dispatches'] = [];
    for await (const d of this.register.dispatches(hub, { from: weekStart, to: weekEnd })) {
      trucks.push({
        waybillNo: d.waybillNo,
        dispatchedAt: toZonedIso(d.dispatchedAt, hub.timeZone),
        destination: d.destination,
        truckPlate: d.truckPlate,
        tonnes: ratio(toMicro(tonnageKg(d)), KG_PER_TONNE),
        distanceKm: d.distanceKm === null ? null : roundDecimal(d.distanceKm),
        co2eKg: d.co2eKg === null ? null : roundDecimal(d.co2eKg),
      });
    }
    return trucks;
  }
}
