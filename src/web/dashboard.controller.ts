import { Get, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Can } from '../auth/auth.decorators.js';
import { CarbonService } from '../carbon/carbon.service.js';
import { ReleasesService } from '../releases/releases.service.js';
import { StatsService } from '../stats/stats.service.js';
import { CatalogueLookup } from './catalogue-lookup.service.js';
import { CoverageViews } from './coverage-view.service.js';
import { ViewsService } from './views.service.js';
import { WebController } from './web-session.guard.js';
import type { WebRequest } from './web-request.js';

/**
 * The hub at a glance: cumulative figures, the sitrep sentence, destinations, 12 weeks, and its
 * carbon (trucks emitted against solar avoided).
 */
@WebController()
@Can('hub.read')
export class DashboardController {
  constructor(
    private readonly stats: StatsService,
    private readonly views: ViewsService,
    private readonly catalogue: CatalogueLookup,
    private readonly carbon: CarbonService,
    private readonly coverage: CoverageViews,
    private readonly releases: ReleasesService,
  ) {}

  @Get()
  async show(@Req() request: WebRequest, @Res() response: Response): Promise<void> {
    const hub = await this.views.hub(request);
    const asOf = this.stats.today(hub);
    const [stats, weeks, destinations, carbon, coverage, pipeline] = await Promise.all([
      this.stats.dispatchStats({ hub, from: null, asOf, emergency: null }),
      this.stats.timeseries(hub, 'week', undefined, undefined, undefined),
      this.catalogue.destinations(),
      this.carbon.emissions({ hub, from: null, asOf, emergency: null }),
      this.coverage.forHub(hub),
      this.releases.pipeline(hub),
    ]);
    await this.views.send(request, response, 'dashboard', {
      title: 'dashboard.title',
      stats,
      weeks,
      carbon,
      coverage,
      pipeline,
      iso2: Object.fromEntries(destinations.map((d) => [d.code, d.iso2])),
    });
  }
}
