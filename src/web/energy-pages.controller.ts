import { Get, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Can } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.service.js';
import { addDays, localDay } from '../common/time/zoned.js';
import { EnergyReportsService } from '../energy/energy-reports.service.js';
import { PvSystemsService } from '../energy/pv-systems.service.js';
import { EnergyInterval } from '../energy/report-periods.js';
import { HubPageQuery } from '../hubs/dto/hub-query.dto.js';
import { ViewsService } from './views.service.js';
import { WebController } from './web-session.guard.js';
import type { WebRequest } from './web-request.js';

/** Days the solar page shows, today included. */
export const ENERGY_DAYS = 14;

/** The hub's PV systems: what each generated and the CO2 it avoided, day by day. */
@WebController('energy')
@Can('hub.read')
export class EnergyPagesController {
  constructor(
    private readonly systems: PvSystemsService,
    private readonly reports: EnergyReportsService,
    private readonly views: ViewsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async show(@Req() request: WebRequest, @Res() response: Response): Promise<void> {
    const hub = await this.views.hub(request);
    const user = request.web!.user;
    // Today as the energy reports count it (hub time, the app's clock).
    const to = localDay(this.clock.now(), hub.timeZone);
    const from = addDays(to, -(ENERGY_DAYS - 1));
    const { items: systems } = await this.systems.list(
      Object.assign(new HubPageQuery(), { hub: hub.code, limit: 100 }),
      user,
    );
    const reports = await Promise.all(
      systems.map((system) =>
        this.reports.report({ system: system.code, interval: EnergyInterval.Day, from, to }, user),
      ),
    );
    await this.views.send(request, response, 'energy', {
      title: 'energy.title',
      from,
      to,
      systems: systems.map((system, i) => ({
        code: system.code,
        name: system.name,
        capacityKwp: Number(system.capacityKwp),
        report: reports[i],
      })),
    });
  }
}
