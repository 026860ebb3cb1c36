import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { ItemsService } from '../catalogue/items.service.js';
import { ItemSnapshot } from '../catalogue/item-snapshot.js';
import { KitView } from '../catalogue/kit-view.js';
import { ItemOrKitLine, KitsService } from '../catalogue/kits.service.js';
import { ratio, roundMicro, toMicro } from '../common/decimal.js';
import { DomainError } from '../common/errors/domain.error.js';
import { LoadPlanResponse } from './dto/load-plan.dto.js';
import {
  LoadPlan,
  MAX_PLAN_TRUCKS,
  PackLine,
  planLoad,
  PlanError,
  STANDARD_TRUCK,
  Truck,
} from './load-plan.js';

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Load plans for lines of items and kits (dispatch forms, releases, coordinators' questions). */
@Injectable()
export class PlansService {
  constructor(
    private readonly items: ItemsService,
    private readonly kits: KitsService,
  ) {}

  /**
   * How many trucks carry these lines and what goes on each. Kits travel whole (a truck's
   * households are complete), at their composition of now. Unknown SKUs or kits are 422.
   */
  async plan(lines: ItemOrKitLine[], truck: Truck = STANDARD_TRUCK): Promise<LoadPlanResponse> {
    const skus = lines.filter((l) => l.kit === undefined).map((l) => l.sku!);
    const codes = lines.filter((l) => l.kit !== undefined).map((l) => l.kit!);
    const [items, kits] = await Promise.all([
      skus.length ? this.items.snapshots(skus) : Promise.resolve(new Map<string, ItemSnapshot>()),
      codes.length ? this.kits.views(codes) : Promise.resolve(new Map<string, KitView>()),
    ]);
    const unknown = codes.filter((code) => !kits.has(code));
    if (unknown.length) {
      throw new UnprocessableEntityException({
        message: `Unknown kit${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        unknownKits: unknown,
      });
    }
    const pack: PackLine[] = lines.map((line) => {
      if (line.kit === undefined) {
        const item = items.get(line.sku!)!;
        return {
          code: item.sku,
          kind: 'item',
          quantity: line.quantity,
          unitWeight: toMicro(item.unitWeightKg),
          unitVolume: toMicro(item.unitVolumeM3),
          contents: [{ sku: item.sku, quantity: 1 }],
        };
      }
      const kit = kits.get(line.kit)!;
      const sum = (pick: (c: (typeof kit.components)[number]) => string) =>
        kit.components.reduce((s, c) => s + BigInt(c.quantity) * toMicro(pick(c)), 0n);
      return {
        code: kit.code,
        kind: 'kit',
        quantity: line.quantity,
        unitWeight: sum((c) => c.unitWeightKg),
        unitVolume: sum((c) => c.unitVolumeM3),
        contents: kit.components.map((c) => ({ sku: c.sku, quantity: c.quantity })),
      };
    });
    try {
      return mapPlan(planLoad(pack, truck));
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      if (error.detail.problem === 'unitTooLarge') {
        throw new DomainError(
          'plan.unitTooLarge',
          `One unit of ${error.detail.codes.join(', ')} is heavier or larger than the truck`,
          { field: 'lines', details: { codes: error.detail.codes } },
        );
      }
      throw new DomainError(
        'plan.tooLarge',
        `These goods need at least ${fmt(error.detail.trucks, 0)} trucks; a plan lists at most ${fmt(MAX_PLAN_TRUCKS, 0)}`,
        { field: 'lines', details: { trucks: error.detail.trucks } },
      );
    }
  }
}

export function mapPlan(plan: LoadPlan): LoadPlanResponse {
  const payload = toMicro(plan.truck.payloadKg);
  const capacity = toMicro(plan.truck.volumeM3);
  const byWeight = ratio(plan.weight, payload, 2);
  const byVolume = ratio(plan.volume, capacity, 2);
  const tonnes = ratio(plan.weight, toMicro(1000));
  const volume = roundMicro(plan.volume);
  const weightPart = `${fmt(tonnes, 3)} t / ${fmt(plan.truck.payloadKg / 1000, 3)} t = ${fmt(byWeight)}`;
  const volumePart = `${fmt(volume, 3)} m3 / ${fmt(plan.truck.volumeM3, 3)} m3 = ${fmt(byVolume)}`;
  const [binding, other] =
    plan.bindingConstraint === 'weight' ? [weightPart, volumePart] : [volumePart, weightPart];
  const trucks = (n: number) => `${fmt(n, 0)} truck${n === 1 ? '' : 's'}`;
  return {
    trucks: plan.trucks,
    lowerBound: plan.lowerBound,
    bindingConstraint: plan.bindingConstraint,
    tonnes,
    weightKg: roundMicro(plan.weight),
    volumeM3: volume,
    truck: { payloadKg: plan.truck.payloadKg, volumeM3: plan.truck.volumeM3 },
    note:
      `${trucks(plan.trucks)}: ${plan.bindingConstraint} binds (${binding}, so at least ` +
      `${trucks(plan.lowerBound)}; ${plan.bindingConstraint === 'weight' ? 'volume' : 'weight'} ${other}).`,
    loads: plan.loads.map((load) => ({
      lines: load.lines,
      kits: load.kits,
      weightKg: roundMicro(load.weight),
      volumeM3: roundMicro(load.volume),
      loadFactor: { weight: ratio(load.weight, payload), volume: ratio(load.volume, capacity) },
    })),
  };
}
