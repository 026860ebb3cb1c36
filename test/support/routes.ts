import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { OUTSIDE_API_PREFIX } from '../../src/app.factory.js';
import { TestApp } from './test-app.js';

/** Every route the app serves under a base path (`api` or `app`), as `METHOD /base/path`. */
export function servedRoutes(t: TestApp, base: 'api' | 'app'): string[] {
  return [...t.app.get(ModulesContainer).values()]
    .flatMap((module) => [...module.controllers.values()])
    .flatMap(({ metatype }) => {
      const prefix: string | undefined = metatype && Reflect.getMetadata(PATH_METADATA, metatype);
      if (prefix === undefined || prefix.startsWith('app') !== (base === 'app')) return [];
      const prototype = (metatype as Type).prototype;
      return Object.getOwnPropertyNames(prototype).flatMap((name) => {
        const handler = prototype[name];
        const path: string | undefined = Reflect.getMetadata(PATH_METADATA, handler);
        const method: RequestMethod = Reflect.getMetadata(METHOD_METADATA, handler);
        if (name === 'constructor' || path === undefined || method === RequestMethod.ALL) return [];
        const own = [prefix, path].filter((p) => p && p !== '/').join('/');
        // what the app serves outside /api (GET /metrics) is not an API route
        if (base === 'api' && OUTSIDE_API_PREFIX.some((r) => r.path === own && r.method === method))
          return [];
        const parts = base === 'api' ? ['api', prefix, path] : [prefix, path];
        return [`${RequestMethod[method]} /${parts.filter((p) => p && p !== '/').join('/')}`];
      });
    });
}
