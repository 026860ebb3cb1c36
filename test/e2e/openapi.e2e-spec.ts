import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, TestApp } from '../support/test-app.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

interface Operation {
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: object }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** "GET /api/hubs/{code}" for every operation of the document. */
const operationsOf = (document: OpenApi) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

/**
 * The routes of a table of the README, first cell `GET /api/hubs`, `GET /api/hubs/:code` written
 * as OpenAPI writes them (`{code}`), query strings left out.
 */
function readmeRoutes(readme: string, table: number): string[] {
  const lines = readme.slice(readme.indexOf('\n## Routes\n')).split('\n');
  const header = lines.map((line, i) => (line.startsWith('| method and path |') ? i : -1));
  const first = header.filter((i) => i >= 0)[table];
  const rows = lines.slice(first + 2);
  return rows
    .slice(
      0,
      rows.findIndex((line) => !line.startsWith('|')),
    )
    .flatMap((row) => [...row.split(/(?<!\\)\|/)[1].matchAll(/`([A-Z]+) ([^`?]+)[^`]*`/g)])
    .map(([, method, path]) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
}

/** The list routes and a field of their items a client reads. */
const LISTS: Record<string, { field: string; type: string }> = {
  '/api/users': { field: 'name', type: 'string' },
  '/api/hubs': { field: 'timeZone', type: 'string' },
  '/api/items': { field: 'sku', type: 'string' },
  '/api/destinations': { field: 'code', type: 'string' },
  '/api/kits': { field: 'householdSize', type: 'number' },
  '/api/stock/movements': { field: 'quantity', type: 'number' },
  '/api/receipts': { field: 'reference', type: 'string' },
  '/api/dispatches': { field: 'waybillNo', type: 'string' },
  '/api/reports/weekly': { field: 'weekStart', type: 'string' },
  '/api/energy/systems': { field: 'capacityKwp', type: 'number' },
  '/api/audit': { field: 'action', type: 'string' },
  '/api/routes': { field: 'distanceKm', type: 'number' },
  '/api/releases': { field: 'number', type: 'string' },
};

/** A client's calls to every list route, typed only by the generated `paths`. */
function clientSource(): string {
  const calls = Object.entries(LISTS).map(
    ([path, { field, type }]) => `  {
    const page = await list('${path}', { limit: 50, cursor: 'x' });
    const first: ${type} = page.items[0].${field};
    const next: string | null = page.nextCursor;
    pages.push([first, next]);
  }`,
  );
  return `import type { paths } from './schema.js';

type ListPath = ${Object.keys(LISTS)
    .map((path) => `'${path}'`)
    .join(' | ')};
type Query<P extends ListPath> = NonNullable<paths[P]['get']['parameters']['query']>;
type Page<P extends ListPath> = paths[P]['get']['responses'][200]['content']['application/json'];

declare function list<P extends ListPath>(path: P, query: Query<P>): Promise<Page<P>>;

export async function everyList(): Promise<unknown[]> {
  const pages: unknown[] = [];
${calls.join('\n')}
  // @ts-expect-error: limit is a number
  await list('/api/items', { limit: 'fifty' });
  // @ts-expect-error: items have no such field
  (await list('/api/items', {})).items[0].colour;
  return pages;
}
`;
}

// The document as test/support/openapi-document.mjs writes it for `npm run lint` (compiled with the swagger
// plugin, as nest build does), read the way a client generator and a newcomer read it.
describe('the OpenAPI document', () => {
  let dir: string;
  let file: string;
  let document: OpenApi;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relief-hub-openapi-'));
    file = join(dir, 'openapi.json');
    await run(process.execPath, ['test/support/openapi-document.mjs', file], { cwd: root });
    document = JSON.parse(await readFile(file, 'utf8'));
    // It compiles the whole of src/, as nest build does: minutes on a busy machine.
  }, 400_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('describes every success response and every schema, and the paging of every list', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const success = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
        expect([`${method} ${path}`, success.length]).toEqual([`${method} ${path}`, 1]);
        const [[status, response]] = success;
        if (status === '204') continue;
        const schemas = Object.values(response.content ?? {}).map((c) => c.schema);
        expect([`${method} ${path}`, schemas.length > 0 && schemas.every(Boolean)]).toEqual([
          `${method} ${path}`,
          true,
        ]);
      }
    }
    const empty = Object.entries(document.components.schemas)
      .filter(([, schema]) => Object.keys(schema.properties ?? {}).length === 0)
      .map(([name]) => name);
    expect(empty).toEqual([]);
    const paged = Object.entries(document.paths)
      .filter(([, item]) =>
        item.get?.parameters?.some((p) => p.in === 'query' && p.name === 'cursor'),
      )
      .map(([path]) => path);
    expect(paged.sort()).toEqual(Object.keys(LISTS).sort());
  });

  it('gives a client generated by openapi-typescript the types of every list route', async () => {
    await run(
      process.execPath,
      [join(root, 'node_modules/openapi-typescript/bin/cli.js'), file, '-o', 'schema.d.ts'],
      { cwd: dir },
    );
    await writeFile(join(dir, 'client.ts'), clientSource());
    const tsc = run(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--target',
        'es2023',
        '--module',
        'nodenext',
        'client.ts',
      ],
      { cwd: dir },
    );
    // On failure, the compiler's own messages say which route's types are missing.
    await expect(
      tsc.catch((error) => Promise.reject(new Error(error.stdout))),
    ).resolves.toBeTruthy();
  }, 240_000);

  describe('against the app and the README', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('has the routes the API serves at /api/docs-json', async () => {
      const served = await t.http().get('/api/docs-json').expect(200);
      expect(operationsOf(served.body).sort()).toEqual(operationsOf(document).sort());
    });

    it("lists every route in the README's API table, and the README none that is not", async () => {
      const readme = await readFile(join(root, 'README.md'), 'utf8');
      expect(readmeRoutes(readme, 0).sort()).toEqual(operationsOf(document).sort());
    });

    it("lists every page of the web app in the README's web table, and the README none that is not", async () => {
      const readme = await readFile(join(root, 'README.md'), 'utf8');
      // The web app's routes as its controllers declare them (the catch-all "not found" aside).
      const web = [...t.app.get(ModulesContainer).values()]
        .flatMap((module) => [...module.controllers.values()])
        .flatMap(({ metatype }) => {
          const base: string | undefined = metatype && Reflect.getMetadata(PATH_METADATA, metatype);
          if (!base?.startsWith('app')) return [];
          const prototype = (metatype as Type).prototype;
          return Object.getOwnPropertyNames(prototype).flatMap((name) => {
            const handler = prototype[name];
            const path: string | undefined = Reflect.getMetadata(PATH_METADATA, handler);
            const method: RequestMethod = Reflect.getMetadata(METHOD_METADATA, handler);
            if (name === 'constructor' || path === undefined || method === RequestMethod.ALL) {
              return [];
            }
            const full = `/${[base, path].filter((p) => p !== '/').join('/')}`;
            return [`${RequestMethod[method]} ${full.replace(/:(\w+)/g, '{$1}')}`];
          });
        });
      expect(readmeRoutes(readme, 1).sort()).toEqual(web.sort());
    });
  });
});
