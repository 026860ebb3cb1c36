import { Controller, Get, Post, Put } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import type { Request } from 'express';
import {
  formatBytes,
  JSON_BODY_LIMIT,
  jsonBodyLimitOf,
  JsonBodyLimit,
  limitedRoutes,
  MAX_JSON_BODY_LIMIT,
} from './body-limits.js';

class BodyDto {}

@Controller('energy')
class BigController {
  @JsonBodyLimit(MAX_JSON_BODY_LIMIT, BodyDto)
  @Post('readings')
  record(): void {}

  @JsonBodyLimit(1024 * 1024)
  @Put('systems/:code/profile')
  profile(): void {}

  @Post('systems')
  create(): void {}

  @Get('readings')
  list(): void {}
}

/** A ModulesContainer of one module with these controllers, as Nest's holds them. */
const modules = (...controllers: unknown[]) =>
  new Map([
    ['m', { controllers: new Map(controllers.map((metatype, i) => [i, { metatype }])) }],
  ]) as unknown as ModulesContainer;

const request = (method: string, path: string) => ({ method, path }) as Request;

describe('per-route JSON body limits', () => {
  const routes = limitedRoutes(modules(BigController), 'api');

  it('lists the routes marked @JsonBodyLimit, under the API prefix, with their DTO', () => {
    expect(routes.map(({ route, limit, dto }) => ({ route, limit, dto }))).toEqual([
      { route: 'POST /api/energy/readings', limit: 5 * 1024 * 1024, dto: BodyDto },
      { route: 'PUT /api/energy/systems/:code/profile', limit: 1024 * 1024, dto: undefined },
    ]);
  });

  it("gives a request its route's limit, matched as Express matches routes", () => {
    expect(jsonBodyLimitOf(routes, request('POST', '/api/energy/readings'))).toBe(
      MAX_JSON_BODY_LIMIT,
    );
    // Express routes case-insensitively and takes a trailing slash
    expect(jsonBodyLimitOf(routes, request('POST', '/API/Energy/Readings/'))).toBe(
      MAX_JSON_BODY_LIMIT,
    );
    expect(jsonBodyLimitOf(routes, request('PUT', '/api/energy/systems/TMZ-PV-1/profile'))).toBe(
      1024 * 1024,
    );
    // another method, another path, a longer path, a parameter that is not one segment
    for (const [method, path] of [
      ['PUT', '/api/energy/readings'],
      ['POST', '/api/energy/systems'],
      ['POST', '/api/energy/readings/x'],
      ['POST', '/energy/readings'],
      ['PUT', '/api/energy/systems/a/b/profile'],
    ]) {
      expect(jsonBodyLimitOf(routes, request(method, path))).toBe(JSON_BODY_LIMIT);
    }
    expect(JSON_BODY_LIMIT).toBe(256 * 1024);
  });

  it('takes no limit over the SPEC’s 5 MB, and no path it cannot match', () => {
    expect(() => JsonBodyLimit(MAX_JSON_BODY_LIMIT + 1)).toThrow(/at most 5242880/);
    expect(() => JsonBodyLimit(0)).toThrow(/whole bytes/);
    @Controller('files')
    class Wild {
      @JsonBodyLimit(1024)
      @Post('*path')
      upload(): void {}
    }
    expect(() => limitedRoutes(modules(Wild), 'api')).toThrow(/only plain paths and :params/);
  });

  it('writes sizes as people read them', () => {
    expect(formatBytes(256 * 1024)).toBe('256 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(formatBytes(900)).toBe('900 bytes');
  });
});
