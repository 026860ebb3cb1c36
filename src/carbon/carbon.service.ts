import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { roundMicro } from '../common/decimal.js';
import { Environment } from '../config/environment.js';
import { EnergyReportsService } from '../energy/energy-reports.service.js';
import { StatsService, Window } from '../stats/stats.service.js';
import { EmissionStatsResponse } from './dto/emissions.dto.js';

/**
 * The hub's climate story in one place: what its trucks emitted (the dispatch rollups) against
 * what its solar plant kept off the grid (the energy rollups), over the same hub days.
 */
@Injectable()
export class CarbonService {
  constructor(
    private readonly stats: StatsService,
    private readonly energy: EnergyReportsService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  async emissions(window: Window): Promise<EmissionStatsResponse> {
    const [transport, solar] = await Promise.all([
      this.stats.emissionStats(window),
      this.energy.hubGeneration(window.hub, window.from, window.asOf),
    ]);
    const { tonneKmMicro: _tonneKm, co2eKgMicro, ...figures } = transport;
    return {
      hub: window.hub.code,
      from: window.from,
      asOf: window.asOf,
      emergency: window.emergency,
      ...figures,
      solar: {
        generatedKwh: roundMicro(solar.generatedKwh),
        co2AvoidedKg: roundMicro(solar.co2AvoidedKg),
        pendingDays: solar.pendingDays,
      },
      netCo2eKg: roundMicro(co2eKgMicro - solar.co2AvoidedKg),
      factors: {
        dieselCo2eKgPerL: this.config.get('DIESEL_CO2E_KG_PER_L'),
        roadCo2eKgPerTkm: this.config.get('ROAD_CO2E_KG_PER_TKM'),
        gridEmissionFactorKgPerKwh: this.config.get('GRID_EMISSION_FACTOR_KG_PER_KWH'),
      },
    };
  }
}
