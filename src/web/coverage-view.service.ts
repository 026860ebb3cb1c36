import { Injectable } from '@nestjs/common';
import { Hub } from '../hubs/hub.entity.js';
import { PlansService } from '../plans/plans.service.js';
import { KitCoverage } from '../stock/coverage.js';
import { StockService } from '../stock/stock.service.js';

/** A kit's coverage as the pages show it: and how many semi-trailers those households take. */
export type CoverageView = KitCoverage & { trucks: number };

/** Households covered per kit at a hub, for the dashboard and the stock page. */
@Injectable()
export class CoverageViews {
  constructor(
    private readonly stock: StockService,
    private readonly plans: PlansService,
  ) {}

  async forHub(hub: Hub): Promise<CoverageView[]> {
    const kits = await this.stock.coverage(hub);
    return Promise.all(
      kits.map(async (kit) => ({
        ...kit,
        trucks:
          kit.households > 0
            ? (await this.plans.plan([{ kit: kit.kit, quantity: kit.households }])).trucks
            : 0,
      })),
    );
  }
}
