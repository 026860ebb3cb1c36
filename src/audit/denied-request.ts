import { HttpException } from '@nestjs/common';
import type { Request } from 'express';
import type { DeniedRequest } from './audit-record.entity.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * What the trail records of a refused write: a 401 or 403 answering a POST, PUT, PATCH or
 * DELETE; null for anything else (reads, other errors).
 */
export function deniedWrite(
  request: Request,
  status: number,
): Omit<DeniedRequest, 'caller'> | null {
  if ((status !== 401 && status !== 403) || !WRITES.has(request.method)) return null;
  const routePath = (request.route as { path?: unknown } | undefined)?.path;
  const route = typeof routePath === 'string' ? routePath : request.path;
  return { method: request.method, route, status, hub: namedHub(request) };
}

/** The status of an exception a filter is about to answer, when it is an HTTP one. */
export function statusOf(exception: unknown): number | null {
  return exception instanceof HttpException ? exception.getStatus() : null;
}

function namedHub(request: Request): string | null {
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.hub;
  const body = request.body as Record<string, unknown> | undefined;
  const hub = typeof fromQuery === 'string' ? fromQuery : body?.hub;
  return typeof hub === 'string' && hub.length <= 64 ? hub : null;
}
