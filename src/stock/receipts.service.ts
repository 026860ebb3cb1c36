import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Permitted } from '../auth/permissions.js';
import { User } from '../auth/user.entity.js';
import { ItemsService } from '../catalogue/items.service.js';
import { Clock } from '../common/clock.service.js';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { assertRecordableTime } from '../common/validation/time.js';
import { TransactionRunner } from '../database/transaction.js';
import { HubsService } from '../hubs/hubs.service.js';
import { CreateReceiptDto } from './dto/stock.dto.js';
import { ReceiptResponse } from './dto/stock-response.dto.js';
import { mapActor } from '../auth/dto/actor.dto.js';
import { MovementType } from './movement-type.js';
import { ReceiptLine } from './receipt-line.entity.js';
import { Receipt } from './receipt.entity.js';
import { StockService } from './stock.service.js';

@Injectable()
export class ReceiptsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly hubs: HubsService,
    private readonly items: ItemsService,
    private readonly stock: StockService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateReceiptDto, user: User): Promise<ReceiptResponse> {
    const hub = await this.hubs.resolveFor(user, 'stock.record', dto.hub);
    const items = await this.items.snapshots(dto.lines.map((line) => line.sku));
    const now = this.clock.now();
    const receivedAt = dto.receivedAt ? new Date(dto.receivedAt) : now;
    assertRecordableTime(receivedAt, 'receivedAt', now);
    const id = randomUUID();
    const lines = dto.lines.map((line) => ({
      item: items.get(line.sku)!,
      quantity: line.quantity,
    }));

    const recordedAt = await this.transactions.run(async (manager) => {
      const inserted = await manager.insert(Receipt, {
        id,
        hubId: hub.id,
        reference: dto.reference,
        source: dto.source ?? null,
        receivedAt,
        recordedById: user.id,
      });
      await manager.insert(
        ReceiptLine,
        lines.map((line, i) => ({
          receiptId: id,
          lineNo: i + 1,
          itemId: line.item.id,
          quantity: line.quantity,
        })),
      );
      await this.stock.add(manager, hub.id, lines, {
        type: MovementType.Receipt,
        occurredAt: receivedAt,
        recordedById: user.id,
        receiptId: id,
      });
      return inserted.generatedMaps[0].recordedAt as Date;
    });

    return {
      id,
      hub: hub.code,
      reference: dto.reference,
      source: dto.source ?? null,
      receivedAt: receivedAt.toISOString(),
      recordedAt: recordedAt.toISOString(),
      recordedBy: mapActor(user),
      lines: lines.map((line) => ({ sku: line.item.sku, quantity: line.quantity })),
    };
  }

  async list(
    hubCode: string | undefined,
    page: PageQuery,
    user: Permitted,
  ): Promise<Page<ReceiptResponse>> {
    const hub = await this.hubs.resolveFor(user, 'hub.read', hubCode);
    const qb = this.dataSource
      .getRepository(Receipt)
      .createQueryBuilder('r')
      .innerJoinAndSelect('r.recordedBy', 'user')
      .where('r.hubId = :hubId', { hubId: hub.id });
    const result = await paginate(qb, page, ['r.receivedAt', 'r.id'], 'DESC', (r) => [
      r.receivedAt.toISOString(),
      r.id,
    ]);
    return { items: await this.withLines(result.items, hub.code), nextCursor: result.nextCursor };
  }

  /** One receipt; 404 as for an unknown id to a user who does not act at its hub. */
  async get(id: string, user: Permitted): Promise<ReceiptResponse> {
    const receipt = await this.dataSource
      .getRepository(Receipt)
      .findOne({ where: { id }, relations: { recordedBy: true, hub: true } });
    if (!receipt) throw new NotFoundException(`No receipt ${id}`);
    this.hubs.assertFoundAt(user, 'hub.read', receipt.hub.code, `No receipt ${id}`);
    return (await this.withLines([receipt], receipt.hub.code))[0];
  }

  private async withLines(receipts: Receipt[], hubCode: string): Promise<ReceiptResponse[]> {
    if (receipts.length === 0) return [];
    const lines: { receipt_id: string; sku: string; quantity: string }[] =
      await this.dataSource.query(
        `SELECT l.receipt_id, i.sku, l.quantity FROM receipt_line l JOIN item i ON i.id = l.item_id
        WHERE l.receipt_id = ANY($1::uuid[]) ORDER BY l.receipt_id, l.line_no`,
        [receipts.map((r) => r.id)],
      );
    return receipts.map((r) => ({
      id: r.id,
      hub: hubCode,
      reference: r.reference,
      source: r.source,
      receivedAt: r.receivedAt.toISOString(),
      recordedAt: r.recordedAt.toISOString(),
      recordedBy: mapActor(r.recordedBy),
      lines: lines
        .filter((l) => l.receipt_id === r.id)
        .map((l) => ({ sku: l.sku, quantity: Number(l.quantity) })),
    }));
  }
}
