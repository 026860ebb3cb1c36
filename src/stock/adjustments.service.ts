import { Injectable } from '@nestjs/common';
import { User } from '../auth/user.entity.js';
import { DomainError } from '../common/errors/domain.error.js';
import { ItemsService } from '../catalogue/items.service.js';
import { Clock } from '../common/clock.service.js';
import { TransactionRunner } from '../database/transaction.js';
import { HubsService } from '../hubs/hubs.service.js';
import { CreateAdjustmentDto } from './dto/stock.dto.js';
import { AdjustmentResponse } from './dto/stock-response.dto.js';
import { mapActor } from '../auth/dto/actor.dto.js';
import { AdjustmentReason, MovementType } from './movement-type.js';
import { EntityManager } from 'typeorm';
import { MovementContext, StockLine, StockService } from './stock.service.js';

/**
 * Counts, damage, losses and opening balances: a signed change, never below zero nor below what
 * release orders reserve.
 */
@Injectable()
export class AdjustmentsService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly hubs: HubsService,
    private readonly items: ItemsService,
    private readonly stock: StockService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateAdjustmentDto, user: User): Promise<AdjustmentResponse> {
    if (dto.reason === AdjustmentReason.OpeningBalance && dto.delta < 0) {
      throw new DomainError(
        'adjustment.openingMustAdd',
        'An OPENING_BALANCE adjustment must add stock',
        { field: 'delta' },
      );
    }
    const hub = await this.hubs.resolveFor(user, 'stock.record', dto.hub);
    const item = (await this.items.snapshots([dto.sku])).get(dto.sku)!;
    const occurredAt = this.clock.now();
    const lines = [{ item, quantity: Math.abs(dto.delta) }];
    const context = {
      type: MovementType.Adjustment,
      occurredAt,
      recordedById: user.id,
      reason: dto.reason,
      note: dto.note,
    };
    const { movement, onHand } = await this.transactions.run(async (manager) => {
      const [movement] =
        dto.delta > 0
          ? await this.stock.add(manager, hub.id, lines, context)
          : await this.takeUnreserved(manager, hub.id, lines, context);
      return { movement, onHand: await this.stock.onHand(manager, hub.id, item.id) };
    });
    return {
      id: movement.id,
      hub: hub.code,
      sku: item.sku,
      delta: dto.delta,
      reason: dto.reason,
      note: dto.note ?? null,
      onHand,
      occurredAt: occurredAt.toISOString(),
      recordedAt: movement.recordedAt.toISOString(),
      recordedBy: mapActor(user),
    };
  }

  /**
   * A count that finds less than release orders hold is refused (409 `stock.reserved`) naming
   * those releases: the coordinator cancels or changes them first, so no release silently holds
   * stock that is not there.
   */
  private async takeUnreserved(
    manager: EntityManager,
    hubId: number,
    lines: StockLine[],
    context: MovementContext,
  ) {
    try {
      return await this.stock.take(manager, hubId, lines, context);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'stock.insufficient') throw error;
      const [line] = lines;
      const holders = await this.stock.holders(manager, hubId, line.item.id);
      if (holders.length === 0) throw error;
      const reserved = holders.reduce((sum, h) => sum + h.reserved, 0);
      throw new DomainError(
        'stock.reserved',
        `${line.item.sku}: ${reserved} units are reserved by ${holders
          .map((h) => `${h.number} (${h.reserved})`)
          .join(', ')}; cancel or fulfil those releases before taking reserved stock off hand`,
        { field: 'delta', details: { ...error.details, releases: holders } },
      );
    }
  }
}
