import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Destination } from '../catalogue/destination.entity.js';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import {
  ChangeCache,
  ChangeNotifications,
  notifyChange,
} from '../database/change-notifications.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { Hub } from '../hubs/hub.entity.js';
import { PutRouteDto, RouteView } from './dto/route.dto.js';
import { TransportRoute } from './transport-route.entity.js';

/** The distance a dispatch takes from its hub's route, and the basis it names. */
export interface RouteDistance {
  distanceKm: string;
  basis: string;
}

/** A route change: the route before (null when new) and after, for the audit trail. */
export interface RouteChange {
  before: RouteView | null;
  after: RouteView;
}

/** How the route cache and its notifications name a route. */
const routeKey = (hubId: number, destinationId: number) => `${hubId}:${destinationId}`;

@Injectable()
export class RoutesService {
  /**
   * Distances by hub and destination, a missing route (null) included: every dispatch without
   * a distance of its own asks. See ChangeNotifications for how a change is seen.
   */
  private readonly byRoute: ChangeCache<RouteDistance | null>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    changes: ChangeNotifications,
  ) {
    this.byRoute = changes.cache(['route'], { max: 10_000, ttlMs: 60_000 });
  }

  /** The hub's routes, by destination code. */
  list(hub: Hub, page: PageQuery): Promise<Page<RouteView>> {
    const qb = this.dataSource
      .getRepository(TransportRoute)
      .createQueryBuilder('r')
      .innerJoinAndSelect('r.hub', 'hub')
      .innerJoinAndSelect('r.destination', 'destination')
      .where('r.hubId = :hubId', { hubId: hub.id });
    return paginate(qb, page, ['destination.code'], 'ASC', (r) => [
      (r as RouteView).destination.code,
    ]) as Promise<Page<RouteView>>;
  }

  /**
   * Sets the road distance from a hub to a destination (creating the route when new), in one
   * transaction that locks the row first: `before` and `after` are what an audit line records.
   * Only dispatches recorded from now on take the new distance.
   */
  async set(hubCode: string, destinationCode: string, dto: PutRouteDto): Promise<RouteChange> {
    return this.transactions.run(async (manager) => {
      const hub = await manager.findOneBy(Hub, { code: hubCode });
      if (!hub) throw new NotFoundException(`No hub ${hubCode}`);
      const destination = await manager.findOneBy(Destination, { code: destinationCode });
      if (!destination) throw new NotFoundException(`No destination ${destinationCode}`);
      const key = { hubId: hub.id, destinationId: destination.id };
      const view = (route: TransportRoute): RouteView => ({ ...route, hub, destination });
      const found = await manager.findOne(TransportRoute, {
        where: key,
        lock: { mode: 'pessimistic_write' },
      });
      await manager
        .createQueryBuilder()
        .insert()
        .into(TransportRoute)
        .values({ ...key, distanceKm: String(dto.distanceKm), basis: dto.basis ?? null })
        .orUpdate(['distance_km', 'basis', 'updated_at'], ['hub_id', 'destination_id'])
        .execute();
      const after = await manager.findOneByOrFail(TransportRoute, key);
      const change = { before: found ? view(found) : null, after: view(after) };
      await this.audit.record(manager, {
        action: found ? 'route.updated' : 'route.created',
        target: { type: 'route', id: `${hub.code}-${destination.code}` },
        before: change.before && auditedRoute(change.before),
        after: auditedRoute(change.after),
      });
      await notifyChange(manager, 'route', routeKey(hub.id, destination.id));
      return change;
    });
  }

  /**
   * The distances of the hub's routes to these destinations now, by destination id: what a
   * dispatch recorded now takes when it gives no distance. With `manager`, read in its
   * transaction; without, as kept.
   */
  async distances(
    manager: EntityManager | undefined,
    hubId: number,
    destinationIds: number[],
  ): Promise<Map<number, RouteDistance>> {
    if (destinationIds.length === 0) return new Map();
    const ids = [...new Set(destinationIds)];
    const found = manager
      ? await this.read(manager, hubId, ids)
      : await this.byRoute.getMany(
          ids.map((id) => routeKey(hubId, id)),
          async (missing) => {
            const wanted = missing.map((key) => Number(key.split(':')[1]));
            const read = await this.read(currentManager(this.dataSource.manager), hubId, wanted);
            return new Map(
              wanted.map((id) => [routeKey(hubId, id), read.get(routeKey(hubId, id)) ?? null]),
            );
          },
        );
    const distances = new Map<number, RouteDistance>();
    for (const id of ids) {
      const distance = found.get(routeKey(hubId, id));
      if (distance) distances.set(id, distance);
    }
    return distances;
  }

  private async read(
    manager: EntityManager,
    hubId: number,
    destinationIds: number[],
  ): Promise<Map<string, RouteDistance>> {
    const rows = await manager
      .getRepository(TransportRoute)
      .createQueryBuilder('r')
      .where('r.hubId = :hubId AND r.destinationId IN (:...ids)', { hubId, ids: destinationIds })
      .getMany();
    return new Map(
      rows.map((r) => [
        routeKey(hubId, r.destinationId),
        { distanceKm: r.distanceKm, basis: routeBasis(r.basis) },
      ]),
    );
  }
}

/** A route as the audit trail shows it: codes, and the distance as a number. */
function auditedRoute(route: RouteView): object {
  return {
    hub: route.hub.code,
    destination: route.destination.code,
    distanceKm: Number(route.distanceKm),
    basis: route.basis,
  };
}

/** What a dispatch records as the basis of a distance taken from a route. */
export function routeBasis(basis: string | null): string {
  return basis ? `route: ${basis}` : 'route';
}

/** What a dispatch records as the basis of a distance given with it. */
export const GIVEN_DISTANCE_BASIS = 'given on the dispatch';
