import { RequestMethod, SetMetadata, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { arrayMaxLengths, refuseMisshapenArrays } from '../validation/validation.pipe.js';

const KB = 1024;
const MB = 1024 * KB;

/**
 * The JSON body limit of every route but those marked @JsonBodyLimit. The largest valid bodies
 * of all the others are a dispatch and a delivery of 100 lines (MAX_LINES) with every text at its
 * longest: 11 KB and 15 KB of compact JSON, 18 KB and 29 KB as Python's json.dumps writes them
 * by default (every non-ASCII character as a 6-byte \uXXXX) indented by 2
 * (dispatch-body-size.spec.ts builds them): 256 KB leaves room for any way of writing them. A
 * bigger body is refused from its Content-Length before a byte of it is read: a 3.9 MB body of
 * 100,000 lines used to be read and parsed (about 18 ms of CPU) only to be refused.
 */
export const JSON_BODY_LIMIT = 256 * KB;
/** The SPEC's limit of a JSON body: the most a route may allow (@JsonBodyLimit). */
export const MAX_JSON_BODY_LIMIT = 5 * MB;

const JSON_BODY_LIMIT_KEY = 'relief-hub:json-body-limit';

type Dto = new (...args: never[]) => unknown;

interface JsonBodyLimitMetadata {
  limit: number;
  dto?: Dto;
}

/**
 * A JSON body limit of its own for an API route whose valid bodies are larger than
 * JSON_BODY_LIMIT (energy readings: up to 10,000 of them), up to MAX_JSON_BODY_LIMIT. The body
 * parsers read it from this metadata (jsonBodyLimitOf), so the limit lives beside the route.
 *
 * `dto`: the body's DTO, where the route's parameter is a pipe's output rather than the DTO
 * (SafeInputPipe then sees no DTO to measure): its arrays are counted as soon as the body is
 * parsed, before any pipe walks their values (refuseMisshapenArrays).
 */
export const JsonBodyLimit = (bytes: number, dto?: Dto): MethodDecorator => {
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes > MAX_JSON_BODY_LIMIT) {
    throw new Error(`@JsonBodyLimit(${bytes}): give whole bytes, at most ${MAX_JSON_BODY_LIMIT}`);
  }
  return SetMetadata(JSON_BODY_LIMIT_KEY, { limit: bytes, dto } satisfies JsonBodyLimitMetadata);
};

/** "256 KB", "5 MB", "1.5 MB", "900 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= KB) return `${Number((bytes / KB).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

export interface LimitedRoute {
  /** `POST /api/energy/readings`, for messages and tests. */
  route: string;
  method: string;
  pattern: RegExp;
  limit: number;
  dto?: Dto;
}

/** A route's path as Express matches it: case-insensitive, an optional trailing slash. */
function pathPattern(path: string, route: string): RegExp {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      if (/^:[A-Za-z0-9_]+$/.test(segment)) return '[^/]+';
      if (!/^[A-Za-z0-9._~-]+$/.test(segment)) {
        throw new Error(`@JsonBodyLimit on ${route}: only plain paths and :params are supported`);
      }
      return segment.replace(/\./g, '\\.');
    });
  return new RegExp(`^/${segments.join('/')}/?$`, 'i');
}

/**
 * The API routes marked @JsonBodyLimit, from the metadata Nest routes by (the controller's path,
 * the handler's method and path) under the API's prefix.
 */
export function limitedRoutes(modules: ModulesContainer, apiPrefix: string): LimitedRoute[] {
  const routes: LimitedRoute[] = [];
  for (const module of modules.values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const prototype = (metatype as Type).prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = name === 'constructor' ? undefined : prototype[name];
        if (typeof handler !== 'function') continue;
        const metadata: JsonBodyLimitMetadata | undefined = Reflect.getMetadata(
          JSON_BODY_LIMIT_KEY,
          handler,
        );
        if (metadata === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const parts = [
          apiPrefix,
          Reflect.getMetadata(PATH_METADATA, metatype),
          Reflect.getMetadata(PATH_METADATA, handler),
        ];
        if (!method || parts.some((part) => typeof part !== 'string')) {
          throw new Error(`@JsonBodyLimit on ${metatype.name}.${name}: not a route of one path`);
        }
        const path = `/${(parts as string[]).filter((p) => p && p !== '/').join('/')}`;
        const route = `${method} ${path}`;
        routes.push({ route, method, pattern: pathPattern(path, route), ...metadata });
      }
    }
  }
  return routes;
}

function routeOf(routes: LimitedRoute[], request: Request): LimitedRoute | undefined {
  return routes.find(
    ({ method, pattern }) => request.method === method && pattern.test(request.path),
  );
}

/** The JSON body limit of a request's route: its @JsonBodyLimit, or JSON_BODY_LIMIT. */
export function jsonBodyLimitOf(routes: LimitedRoute[], request: Request): number {
  return routeOf(routes, request)?.limit ?? JSON_BODY_LIMIT;
}

/**
 * The most elements each top-level array of a request's body may hold, from the DTO its route
 * names (@JsonBodyLimit), for the count before the body is parsed (checkJsonShape).
 */
export function jsonArrayCapsOf(
  routes: LimitedRoute[],
  request: Request,
): ReadonlyMap<string, number> | undefined {
  const dto = routes.length ? routeOf(routes, request)?.dto : undefined;
  return dto && arrayMaxLengths(dto);
}

/**
 * After the JSON parsers: the arrays of a body whose route names its DTO (@JsonBodyLimit) are
 * measured before any pipe walks their values (refuseMisshapenArrays: their length, and objects
 * where the DTO takes objects). The parser's count (jsonArrayCapsOf) refuses most long arrays
 * before parsing; this catches what a byte count cannot see (a member name written with escapes).
 * 19,999 readings used to be walked whole by SafeInputPipe, about 4 ms of CPU, and parsed,
 * about 13 ms, only to be refused for being more than 10,000.
 */
export function measureJsonArrays(routes: LimitedRoute[]) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const dto = routes.length && request.body ? routeOf(routes, request)?.dto : undefined;
    if (dto) {
      try {
        refuseMisshapenArrays(dto, request.body);
      } catch (error) {
        next(error);
        return;
      }
    }
    next();
  };
}

/** The refusal body-parser gives a body over its limit (`entity.too.large`), with our limit. */
export function bodyTooLarge(limit: number, length: number): Error {
  return Object.assign(new Error(`request entity too large`), {
    status: 413,
    statusCode: 413,
    expose: true,
    type: 'entity.too.large',
    limit,
    length,
  });
}

/**
 * Refuses a JSON body whose Content-Length is over its route's limit, before a byte of it is
 * read: 413, and the connection is closed after the answer rather than drained (body-parser
 * reads the whole body off before answering). A body without a length (chunked) or compressed
 * (the limit counts what it inflates to) is measured by body-parser as it arrives and refused
 * once past the limit, before it is parsed.
 */
export function refuseOversizedJson(routes: LimitedRoute[]) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const length = Number(request.headers['content-length']);
    const identity = (request.headers['content-encoding'] ?? 'identity') === 'identity';
    if (length > 0 && identity && request.is('application/json')) {
      const limit = jsonBodyLimitOf(routes, request);
      if (length > limit) {
        response.setHeader('Connection', 'close');
        next(bodyTooLarge(limit, length));
        return;
      }
    }
    next();
  };
}
