import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.service.js';
import { requestContext, setRequestActor } from '../common/http/request-context.js';
import { AuditService } from './audit.service.js';

/** The insert recordDenied() builds, counted; it can be made to fail once. */
class FakeInserts {
  readonly rows: Record<string, unknown>[] = [];
  failNext = false;

  createQueryBuilder() {
    let values: Record<string, unknown> = {};
    const builder = {
      insert: () => builder,
      into: () => builder,
      values: (v: Record<string, unknown>) => ((values = v), builder),
      orIgnore: () => builder,
      execute: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.failNext) {
          this.failNext = false;
          throw new Error('connection terminated');
        }
        this.rows.push(values);
      },
    };
    return builder;
  }
}

/** Runs `work` inside a request's context, as the middleware opens it. */
function inRequest<T>(ip: string, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const next = (() => void work().then(resolve, reject)) as NextFunction;
    requestContext({ id: `req-${ip}`, ip } as unknown as Request, {} as Response, next);
  });
}

describe('AuditService.recordDenied()', () => {
  const clock = new Clock();
  let inserts: FakeInserts;
  let audit: AuditService;
  const denied = { method: 'POST', route: '/api/items', status: 403, hub: null };

  beforeEach(() => {
    inserts = new FakeInserts();
    audit = new AuditService(inserts as unknown as DataSource, clock);
    clock.set(new Date('2026-11-29T10:15:20.000Z'));
  });

  it('answers a flood from one caller on one route with one insert a minute, not one each', async () => {
    await inRequest('10.0.0.1', async () => {
      setRequestActor({ id: 'u-1', name: 'Gate clerk' });
      await Promise.all(Array.from({ length: 1000 }, () => audit.recordDenied(denied)));
    });
    expect(inserts.rows).toHaveLength(1);
    expect(inserts.rows[0]).toMatchObject({
      action: 'access.denied',
      actorId: 'u-1',
      actorName: 'Gate clerk',
      requestId: 'req-10.0.0.1',
      throttleKey: 'user:u-1|POST /api/items|2026-11-29T10:15',
      denied: { ...denied, caller: 'user:u-1' },
    });

    // Another route, another caller, the next minute: one more each.
    await inRequest('10.0.0.1', () => audit.recordDenied({ ...denied, route: '/api/hubs' }));
    await inRequest('10.0.0.2', () => audit.recordDenied(denied));
    clock.set(new Date('2026-11-29T10:16:00.000Z'));
    await inRequest('10.0.0.2', () => audit.recordDenied(denied));
    expect(inserts.rows.map((r) => r.throttleKey)).toEqual([
      'user:u-1|POST /api/items|2026-11-29T10:15',
      'ip:10.0.0.1|POST /api/hubs|2026-11-29T10:15',
      'ip:10.0.0.2|POST /api/items|2026-11-29T10:15',
      'ip:10.0.0.2|POST /api/items|2026-11-29T10:16',
    ]);
  });

  it('tries again after an insert that failed, and never fails the refusal itself', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    inserts.failNext = true;
    await inRequest('10.0.0.3', () => audit.recordDenied(denied));
    expect(inserts.rows).toHaveLength(0);
    await inRequest('10.0.0.3', () => audit.recordDenied(denied));
    expect(inserts.rows).toHaveLength(1);
  });
});
