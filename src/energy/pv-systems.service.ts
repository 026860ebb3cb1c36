import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { Permitted } from '../auth/permissions.js';
import { Page, paginate } from '../common/pagination/page.js';
import { Hub } from '../hubs/hub.entity.js';
import { HubsService } from '../hubs/hubs.service.js';
import { HubPageQuery } from '../hubs/dto/hub-query.dto.js';
import { DomainError } from '../common/errors/domain.error.js';
import { CreatePvSystemDto, UpdatePvSystemDto } from './dto/pv-system.dto.js';
import { profileSumsToOne } from './expected-yield.js';
import { PvSystem } from './pv-system.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';

export type PvSystemWithHub = PvSystem & { hub: Hub };

@Injectable()
export class PvSystemsService {
  constructor(
    @InjectRepository(PvSystem) private readonly systems: Repository<PvSystem>,
    private readonly hubs: HubsService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /** The hub's systems, by code. */
  async list(query: HubPageQuery, user: Permitted): Promise<Page<PvSystemWithHub>> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const qb = this.systems
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.hub', 'hub')
      .where('s.hubId = :hubId', { hubId: hub.id });
    return paginate(qb, query, ['s.code'], 'ASC', (s) => [s.code]) as Promise<
      Page<PvSystemWithHub>
    >;
  }

  async create(dto: CreatePvSystemDto, user: Permitted): Promise<PvSystemWithHub> {
    const hub = await this.hubs.resolveFor(user, 'energy.manage', dto.hub);
    if (await this.systems.existsBy({ code: dto.code })) {
      throw new ConflictException(`A PV system with code ${dto.code} already exists`);
    }
    return this.transactions.run(async (manager) => {
      const systems = manager.getRepository(PvSystem);
      const saved = await systems.save(
        systems.create({
          hubId: hub.id,
          code: dto.code,
          name: dto.name,
          capacityKwp: String(dto.capacityKwp),
          commissionedOn: dto.commissionedOn ?? null,
          targetPerformanceRatio: '0.8',
          monthlyProfile: null,
        }),
      );
      await this.audit.record(manager, {
        action: 'pvSystem.created',
        target: { type: 'pvSystem', id: saved.code },
        before: null,
        after: audited(saved, hub),
      });
      return { ...saved, hub };
    });
  }

  /**
   * Changes a system's name, capacity, target performance ratio or monthly profile, in one
   * transaction that locks the row first: `before` and `after` are what an audit line records.
   * Reports compute from the settings of the moment they are read.
   */
  async update(
    code: string,
    dto: UpdatePvSystemDto,
    user: Permitted,
  ): Promise<{ before: PvSystemWithHub; after: PvSystemWithHub }> {
    if (dto.monthlyProfile && !profileSumsToOne(dto.monthlyProfile)) {
      throw new DomainError(
        'pvSystem.profileNotWhole',
        `monthlyProfile must sum to 1 (within 0.001); got ${dto.monthlyProfile
          .reduce((sum, share) => sum + share, 0)
          .toFixed(6)}`,
        { field: 'monthlyProfile' },
      );
    }
    return this.transactions.run(async (manager) => {
      const before = await manager.findOne(PvSystem, {
        where: { code },
        lock: { mode: 'pessimistic_write' },
      });
      if (!before) throw new NotFoundException(`No PV system ${code}`);
      const hub = await manager.findOneByOrFail(Hub, { id: before.hubId });
      await this.hubs.resolveFor(user, 'energy.manage', hub.code);
      const changes: Partial<PvSystem> = {};
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.capacityKwp !== undefined) changes.capacityKwp = String(dto.capacityKwp);
      if (dto.targetPerformanceRatio !== undefined) {
        changes.targetPerformanceRatio = String(dto.targetPerformanceRatio);
      }
      if (dto.monthlyProfile !== undefined) {
        changes.monthlyProfile = dto.monthlyProfile?.map(String) ?? null;
      }
      if (Object.keys(changes).length) await manager.update(PvSystem, before.id, changes);
      const after = await manager.findOneOrFail(PvSystem, {
        where: { id: before.id },
        relations: { hub: true },
      });
      await this.audit.record(manager, {
        action: 'pvSystem.updated',
        target: { type: 'pvSystem', id: after.code },
        before: audited(before, hub),
        after: audited(after, hub),
      });
      return { before: { ...before, hub } as PvSystemWithHub, after: after as PvSystemWithHub };
    });
  }

  /** Every system of the hub, by code. */
  ofHub(hubId: number): Promise<PvSystem[]> {
    return this.systems.find({ where: { hubId }, order: { code: 'ASC' } });
  }

  /** The system a request names, with its hub; an unknown code is the client's 422. */
  async resolve(code: string): Promise<PvSystemWithHub> {
    const system = await this.systems.findOne({ where: { code }, relations: { hub: true } });
    if (!system) throw new UnprocessableEntityException(`Unknown PV system ${code}`);
    return system as PvSystemWithHub;
  }

  /** The systems of these codes that exist, by code. */
  async byCodes(codes: string[]): Promise<Map<string, PvSystemWithHub>> {
    // Inside the request's transaction when there is one: never a second pooled connection.
    const found = await currentManager(this.systems.manager).find(PvSystem, {
      where: { code: In(codes) },
      relations: { hub: true },
    });
    return new Map(found.map((system) => [system.code, system as PvSystemWithHub]));
  }
}

/** A system as the audit trail shows it: its hub's code, figures as numbers. */
function audited(system: PvSystem, hub: Hub): object {
  return {
    ...system,
    hub: hub.code,
    capacityKwp: Number(system.capacityKwp),
    targetPerformanceRatio: Number(system.targetPerformanceRatio),
    monthlyProfile: system.monthlyProfile?.map(Number) ?? null,
  };
}
