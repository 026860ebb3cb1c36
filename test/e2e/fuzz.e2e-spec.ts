import { randomUUID } from 'node:crypto';
import { dispatchBody, receive } from '../support/fixtures.js';
import { HEADER, random } from '../support/history.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Issue 13: malformed requests, generated from the app's own OpenAPI document for every write
 * route (and every collection it lists, for cursors), sent as the admin so that no role check
 * hides the validation behind it. No answer may be a 5xx, show a stack trace or SQL, or leave a
 * row behind. Deterministic: one seed, one list of requests.
 */

const SEED = 13;
const CONCURRENCY = 6;
const WRITES = new Set(['post', 'put', 'patch', 'delete']);

interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
}
interface OpenApiSchema {
  properties?: Record<string, { type?: string; enum?: unknown[]; example?: unknown }>;
  required?: string[];
}
interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/**
 * A valid body per schema of the document, and the paths that may be left out; every mutation
 * below is then made to exactly one place of an otherwise valid request, so the fuzz reaches
 * each field's own validation. The document's schemas add the fields they declare.
 */
interface Example {
  body: Record<string, unknown>;
  optional: string[];
}

interface Fixtures {
  dispatchId: string;
  releaseId: string;
  userId: string;
}

function examples(now: Date): Record<string, Example> {
  const iso = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
  const line = { sku: 'CRI-BLANKET-HT', quantity: 1 };
  return {
    CreateUserDto: {
      body: {
        name: 'Fuzz User',
        role: 'warehouse',
        password: 'a long web password',
        hubs: ['TMZ'],
      },
      optional: ['password', 'hubs'],
    },
    SetPasswordDto: { body: { password: 'a long web password' }, optional: [] },
    UpdateUserDto: { body: { role: 'warehouse', hubs: ['TMZ'] }, optional: ['role', 'hubs'] },
    CreateHubDto: {
      body: { code: 'FUZZ', name: 'Fuzz hub', shortName: 'Fuzz', timeZone: 'Asia/Tashkent' },
      optional: ['shortName'],
    },
    CreateItemDto: {
      body: {
        sku: 'FUZZ-1',
        name: 'Fuzz item',
        category: 'Fuzz',
        unit: 'piece',
        unitWeightKg: 1.5,
        unitVolumeM3: 0.01,
      },
      optional: ['category'],
    },
    UpdateItemDto: {
      body: { name: 'Renamed', unitWeightKg: 2 },
      optional: ['name', 'unitWeightKg'],
    },
    CreateKitDto: {
      body: {
        code: 'FUZZ-KIT',
        name: 'Fuzz kit',
        householdSize: 5,
        components: [{ sku: 'CRI-BLANKET-HT', quantity: 2 }],
      },
      optional: ['householdSize'],
    },
    UpdateKitDto: {
      body: { name: 'Renamed kit', components: [{ sku: 'CRI-BLANKET-HT', quantity: 3 }] },
      optional: ['name', 'components'],
    },
    PlanLoadDto: {
      body: {
        lines: [{ kit: 'HH-CRI-5', quantity: 2 }],
        truck: { payloadKg: 22000, volumeM3: 82 },
      },
      optional: ['truck'],
    },
    CreateDestinationDto: {
      body: { code: 'FZ', name: 'Fuzzland', iso2: 'FZ' },
      optional: ['iso2'],
    },
    CreateAdjustmentDto: {
      body: { sku: 'CRI-BLANKET-HT', delta: -1, reason: 'DAMAGED', note: 'torn' },
      optional: ['note'],
    },
    CreateReceiptDto: {
      body: { reference: 'GRN-FUZZ', receivedAt: iso(3_600_000), source: 'Donor', lines: [line] },
      optional: ['receivedAt', 'source'],
    },
    CreateDispatchDto: {
      body: dispatchBody([line], {
        driverName: 'Driver',
        emergency: 'Afghanistan',
        dispatchedAt: iso(3_600_000),
        cargoWeightKg: 12.5,
        distanceKm: 251,
        fuelLitres: 600,
      }),
      optional: [
        'driverName',
        'emergency',
        'dispatchedAt',
        'cargoWeightKg',
        'distanceKm',
        'fuelLitres',
      ],
    },
    CreateReleaseDto: {
      body: {
        destination: 'AF',
        emergency: 'Afghanistan',
        neededBy: '2026-12-20',
        note: 'Herat',
        lines: [line],
      },
      optional: ['emergency', 'neededBy', 'note'],
    },
    CancelReleaseDto: { body: { reason: 'Plan changed' }, optional: [] },
    PutRouteDto: {
      body: { distanceKm: 92.5, basis: "carrier's records" },
      optional: ['basis'],
    },
    UpdatePvSystemDto: {
      body: {
        name: 'Rooftop',
        capacityKwp: 700,
        targetPerformanceRatio: 0.8,
        monthlyProfile: [
          0.04, 0.051, 0.071, 0.091, 0.116, 0.128, 0.131, 0.119, 0.097, 0.071, 0.048, 0.037,
        ],
      },
      optional: ['name', 'capacityKwp', 'targetPerformanceRatio', 'monthlyProfile'],
    },
    CancelDispatchDto: { body: { reason: 'Truck broke down' }, optional: [] },
    RecordDeliveryDto: {
      body: {
        deliveredAt: iso(60_000),
        lines: [{ sku: 'CRI-BLANKET-HT', receivedQuantity: 1, damagedQuantity: 0 }],
        note: 'ok',
      },
      optional: ['note', 'lines.0.damagedQuantity'],
    },
    RequestWeeklyReportDto: {
      body: { hub: 'TMZ', weekStart: '2024-05-27' },
      optional: ['hub', 'weekStart'],
    },
    CreatePvSystemDto: {
      body: {
        code: 'FUZZ-PV',
        name: 'Fuzz array',
        capacityKwp: 12.5,
        commissionedOn: '2024-01-01',
      },
      optional: ['commissionedOn'],
    },
    RecordReadingsDto: {
      body: {
        system: 'TMZ-PV-FUZZ',
        readings: [
          {
            start: '2024-05-01T10:00:00+05:00',
            end: '2024-05-01T11:00:00+05:00',
            generatedKwh: 1.25,
            consumedKwh: 1,
          },
        ],
      },
      optional: ['readings.0.consumedKwh'],
    },
  };
}

/** One request to send, and what it tries. */
interface Probe {
  kind: string;
  method: string;
  path: string;
  type?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

type Leaf = { path: (string | number)[]; value: unknown };

/** Every leaf of a body (arrays by their first element), and every object and array. */
function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) {
    return [{ path, value }, ...(value.length ? leaves(value[0], [...path, 0]) : [])];
  }
  if (value && typeof value === 'object') {
    const own = Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
    return path.length ? [{ path, value }, ...own] : own;
  }
  return [{ path, value }];
}

const clone = <T>(value: T): T => structuredClone(value);

function setAt(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = clone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === REMOVE) delete at[last];
  else at[last] = value;
  return copy;
}

const REMOVE = Symbol('remove');
/** A value written into the JSON text as is: exponents, huge numbers, escapes. */
class Raw {
  constructor(readonly text: string) {}
}
const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v instanceof Raw ? `\u0001${v.text}\u0001` : v))
    // Raw texts were written as strings marked with \u0001: unquote them.
    .replace(/"\\u0001(.*?)\\u0001"/g, (_m, text: string) => JSON.parse(`"${text}"`));

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Values that are wrong for a field holding `value`, whatever field it is. */
function wrongValues(value: unknown, required: boolean): [string, unknown][] {
  const always: [string, unknown][] = [
    ['an object', { a: 1 }],
    ['nested arrays', new Raw('['.repeat(50) + ']'.repeat(50))],
  ];
  const missing: [string, unknown][] = required
    ? [
        ['missing', REMOVE],
        ['null', null],
      ]
    : [];
  if (typeof value === 'string') {
    const date: [string, unknown][] = DATE_TIME.test(value)
      ? [
          ['date: impossible', '2024-02-30T10:00:00+05:00'],
          ['date: no offset', '2024-05-31T10:00:00'],
          ['date: words', 'yesterday'],
          ['date: hour 25', '2024-05-31T25:00:00+05:00'],
          ['date: year 275760', '+275760-09-13T00:00:00Z'],
          ['date: epoch number', Date.now()],
        ]
      : DAY.test(value)
        ? [
            ['day: impossible', '2024-02-30'],
            ['day: unpadded', '2024-5-1'],
            ['day: words', 'last monday'],
            ['day: zeros', '0000-00-00'],
          ]
        : [];
    return [
      ...always,
      ...missing,
      ...date,
      ['a number', 42],
      ['an array', [value]],
      ['empty', ''],
      ['NUL inside', `${value}\u0000x`],
      ['lone surrogate', new Raw(`"${value}\\ud800"`)],
      ['10,001 characters', 'x'.repeat(10_001)],
      ['5,001 emoji', '\u{1F69A}'.repeat(5_001)],
    ];
  }
  if (typeof value === 'number') {
    return [
      ...always,
      ...missing,
      ['a numeric string', String(value)],
      ['a boolean', false],
      ['an array', [value]],
      ['exponent 1e-7', new Raw('1e-7')],
      ['exponent 5e-7', new Raw('5e-7')],
      ['exponent 1.5e-7', new Raw('1.5e-7')],
      ['exponent 1e21', new Raw('1e21')],
      ['exponent -1e21', new Raw('-1e21')],
      ['overflow 1e400', new Raw('1e400')],
    ];
  }
  if (Array.isArray(value)) {
    return [
      ...always.slice(0, 1),
      ...missing,
      ['empty array', []],
      ['a string', 'lines'],
      ['a number', 1],
      ['array of arrays', [value]],
      ['array of nulls', [null]],
      ['array of strings', ['x']],
      ['10,001 elements', Array.from({ length: 10_001 }, () => value[0])],
    ];
  }
  if (value && typeof value === 'object') {
    return [
      ...missing,
      ['a string', 'x'],
      ['a number', 1],
      ['an array', [value]],
      ['empty object', {}],
    ];
  }
  return [...always, ...missing];
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Every probe the document gives rise to. */
function generate(doc: OpenApi, fixtures: Fixtures, now: Date): Probe[] {
  const rand = random(SEED);
  const known = examples(now);
  const probes: Probe[] = [];
  const covered = new Set<string>();

  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!WRITES.has(method)) continue;
      const route = `${method.toUpperCase()} ${template}`;
      const add = (kind: string, probe: Omit<Probe, 'kind' | 'method'>) => {
        probes.push({ kind: `${route}: ${kind}`, method, ...probe });
        covered.add(route);
      };
      const params = operation.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
      const named: Record<string, string> = {
        sku: 'CRI-BLANKET-HT',
        hub: 'TMZ',
        destination: 'AF',
        code: 'TMZ-PV-1',
      };
      const validParam = (name: string) =>
        (template.includes('/kits/') && name === 'code' ? 'HH-CRI-5' : named[name]) ??
        (template.includes('/users/')
          ? fixtures.userId
          : template.includes('/releases/')
            ? fixtures.releaseId
            : fixtures.dispatchId);
      const fill = (override: Record<string, string> = {}) =>
        template.replace(/\{(\w+)\}/g, (_m, name: string) => override[name] ?? validParam(name));
      const path = fill();
      const idempotent = params.some((p) => p.name === 'Idempotency-Key');
      const content = operation.requestBody?.content ?? {};
      const ref = Object.values(content)[0]?.schema?.$ref;
      const schemaName = ref?.split('/').pop();
      const schema = schemaName ? doc.components?.schemas?.[schemaName] : undefined;
      const takesCsv = 'text/csv' in content || template.endsWith('/import');

      // Bodies refused before any route reads them: the same for every write route.
      const anyBody = '{"a":1}';
      add('truncated JSON', { path, type: 'application/json', body: anyBody.slice(0, 4) });
      add('JSON nested [ x 5,000', { path, type: 'application/json', body: '['.repeat(5000) });
      add('JSON nested {"a": x 3,000', {
        path,
        type: 'application/json',
        body: '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
      });
      add('JSON of invalid UTF-8', {
        path,
        type: 'application/json',
        body: Buffer.concat([
          Buffer.from('{"a":"'),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('"}'),
        ]),
      });
      for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
        add(`content type ${type}`, { path, type, body: anyBody });
      }
      add('JSON in latin1', { path, type: 'application/json; charset=latin1', body: anyBody });
      add('no content type', { path, body: Buffer.from(anyBody) });
      if (idempotent) {
        add('JSON nested, with an idempotency key', {
          path,
          type: 'application/json',
          body: '['.repeat(100_000),
          headers: { 'Idempotency-Key': randomUUID() },
        });
      }

      // Path parameters: malformed ones, with a valid body when the route takes one.
      const example = schemaName ? known[schemaName] : undefined;
      const validBody = example ? withSchema(example, schema).body : undefined;
      for (const name of pathParams) {
        const bad = [
          '%00',
          'x%00y',
          'not-a-uuid',
          'x'.repeat(300),
          '%F0%9F%98%9A',
          '%E0%A4%A',
          '%ZZ',
          '..%2F..%2Fetc',
          randomUUIDFrom(rand),
        ];
        for (const value of bad) {
          add(`path ${name}=${value.slice(0, 20)}`, {
            path: fill({ [name]: value }),
            ...(validBody ? { type: 'application/json', body: toJson(validBody) } : {}),
          });
        }
      }

      // A route that takes no body (rotate a key, revoke a user, rebuild): one sent is refused,
      // never ignored while the route runs.
      if (!operation.requestBody && !takesCsv) {
        add('a JSON body where none is taken', { path, type: 'application/json', body: anyBody });
        add('a JSON array where none is taken', { path, type: 'application/json', body: '[1]' });
        continue;
      }
      if (takesCsv && !example) {
        csvProbes(rand).forEach(([kind, csv]) => add(kind, { path, type: 'text/csv', body: csv }));
        add('JSON where CSV is read', { path, type: 'application/json', body: anyBody });
        for (const hub of ['%00', 'NOPE', 'x'.repeat(100), 'TMZ&hub=TMZ', '']) {
          add(`query hub=${hub.slice(0, 12)}`, {
            path: `${path}?hub=${hub}`,
            type: 'text/csv',
            body: `${HEADER}\n`,
          });
        }
        continue;
      }
      if (!example || !validBody) continue;
      if (takesCsv) {
        csvProbes(rand).forEach(([kind, csv]) => add(kind, { path, type: 'text/csv', body: csv }));
      }
      const { optional } = withSchema(example, schema);
      const json = (body: unknown, headers?: Record<string, string>) => ({
        path,
        type: 'application/json',
        body: toJson(body),
        ...(headers ? { headers } : {}),
      });

      // The whole body.
      const text = toJson(validBody);
      for (let i = 0; i < 3; i++) {
        add(`truncated at ${i}`, {
          path,
          type: 'application/json',
          body: text.slice(0, 1 + Math.floor(rand() * (text.length - 2))),
        });
      }
      for (const [kind, body] of [
        ['an array', [validBody]],
        ['an empty array', []],
        ['a string', 'dispatch'],
        ['a number', 42],
        ['true', true],
        ['null', null],
      ] as const) {
        add(`body ${kind}`, json(body));
      }
      // {} is a valid body where every field is optional (a weekly report, an item's edit).
      if (Object.keys(validBody).some((k) => !optional.includes(k))) {
        add('body {}', json({}));
        add('empty body', { path, type: 'application/json', body: '' });
      }
      if (!takesCsv) {
        add('valid body as text/csv', { path, type: 'text/csv', body: text });
      }
      add('valid body as a form', {
        path,
        type: 'application/x-www-form-urlencoded',
        body: new URLSearchParams(
          Object.entries(validBody).map(([k, v]) => [k, String(v)]),
        ).toString(),
      });
      add('valid body as text/plain', { path, type: 'text/plain', body: text });
      if (idempotent) {
        add('idempotency key of 256', json(validBody, { 'Idempotency-Key': 'k'.repeat(256) }));
        add('idempotency key empty', json(validBody, { 'Idempotency-Key': '' }));
      }

      // Unknown keys, at the top and in every object.
      const objects = [
        [],
        ...leaves(validBody)
          .filter((l) => l.value && typeof l.value === 'object' && !Array.isArray(l.value))
          .map((l) => l.path),
      ];
      for (const at of objects) {
        for (const key of ['unknownField', '__proto__', 'constructor', 'a\u0000b']) {
          const target = at.length ? at : [];
          const body = clone(validBody) as Record<string, unknown>;
          const holder = target.reduce<Record<string | number, unknown>>(
            (o, k) => o[k] as Record<string | number, unknown>,
            body,
          );
          const member = `${JSON.stringify(key)}:{"x":1}`;
          // __proto__ cannot be set as an own key on an object literal: write it into the text.
          holder['\u0002'] = 0;
          add(`unknown key ${JSON.stringify(key)} at ${at.join('.') || 'top'}`, {
            path,
            type: 'application/json',
            body: toJson(body).replace('"\\u0002":0', member),
          });
        }
      }

      // Each field: the wrong values for it.
      for (const { path: at, value } of leaves(validBody)) {
        const required = !optional.includes(at.join('.'));
        for (const [kind, wrong] of wrongValues(value, required)) {
          add(`${at.join('.')}: ${kind}`, json(setAt(validBody, at, wrong)));
        }
      }
      // One field a megabyte long (the body stays under the 5 MB limit).
      const firstString = leaves(validBody).find((l) => typeof l.value === 'string');
      if (firstString) {
        add(
          `${firstString.path.join('.')}: 1 MB`,
          json(setAt(validBody, firstString.path, 'y'.repeat(1 << 20))),
        );
      }
    }
  }

  // Every collection of the document, with bad cursors, limits and dates.
  for (const [template, operations] of Object.entries(doc.paths)) {
    if (!operations.get || template.includes('{') || template.endsWith('/export')) continue;
    const cursors = [
      'not base64!',
      base64('{}'),
      base64('[]'),
      base64('[1]'),
      base64('[null,null]'),
      base64('["\u0000","x"]'),
      base64('[1e400,"x"]'),
      base64('["2024-13-45T99:00:00Z","not-a-uuid"]'),
      base64('[{"a":1},[1]]'),
      base64(`["${'x'.repeat(400)}"]`),
      '%00',
    ];
    const queries = [
      ...cursors.map((c) => `cursor=${c}`),
      'limit=abc',
      'limit=1e3',
      'from=2024-02-30&to=yesterday',
    ];
    for (const query of queries) {
      probes.push({
        kind: `GET ${template}?${query.slice(0, 20)}`,
        method: 'get',
        path: `${template}?${query}`,
      });
    }
  }

  // Every JSON body the document names has its example here, so that a new write route gets
  // its fields fuzzed too, not only the body-level probes.
  const bodies = Object.values(doc.paths).flatMap((operations) =>
    Object.entries(operations)
      .filter(([method]) => WRITES.has(method))
      .map(([, operation]) => operation.requestBody?.content['application/json']?.schema?.$ref)
      .filter((ref): ref is string => !!ref)
      .map((ref) => ref.split('/').pop()!),
  );
  expect([...new Set(bodies)].filter((name) => !(name in known))).toEqual([]);
  // Every write route of the document is fuzzed.
  const writes = Object.entries(doc.paths).flatMap(([template, operations]) =>
    Object.keys(operations)
      .filter((m) => WRITES.has(m))
      .map((m) => `${m.toUpperCase()} ${template}`),
  );
  expect(writes.filter((route) => !covered.has(route))).toEqual([]);
  return probes;
}

/** The document's fields added to an example: a declared field the example lacks gets a value. */
function withSchema(example: Example, schema: OpenApiSchema | undefined): Example {
  const body = clone(example.body);
  // Only a required field the example lacks: a made-up value for an optional one (a hub "x")
  // could make the whole body wrong and hide every other field behind it.
  for (const name of schema?.required ?? []) {
    if (name in body) continue;
    const property = schema?.properties?.[name] ?? {};
    body[name] =
      property.enum?.[0] ??
      property.example ??
      (property.type === 'number' || property.type === 'integer'
        ? 1
        : property.type === 'boolean'
          ? true
          : property.type === 'array'
            ? []
            : 'x');
  }
  return { body, optional: example.optional };
}

function randomUUIDFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** Malformed CSV bodies: each has at least one row the import must refuse (all or nothing). */
function csvProbes(rand: () => number): [string, string | Buffer][] {
  const good = 'TMZ-F-1,2024-01-10T09:00:00+05:00,AF,01 A 123 BC,CRI-BLANKET-HT,5,,Afghanistan';
  const bad = (cells: Record<number, string>) =>
    good
      .split(',')
      .map((cell, i) => cells[i] ?? cell)
      .join(',');
  const garbage = Buffer.from(Array.from({ length: 512 }, () => Math.floor(rand() * 256)));
  return [
    ['CSV: NUL in a cell', `${HEADER}\n${bad({ 7: 'Af\u0000ghanistan' })}\n`],
    ['CSV: NUL in the header', `${HEADER}\u0000\n${good}\n`],
    ['CSV: empty', ''],
    ['CSV: header only, misspelt', 'waybil_no,when\n'],
    ['CSV: bad date', `${HEADER}\n${good}\n${bad({ 0: 'TMZ-F-2', 1: 'yesterday' })}\n`],
    ['CSV: impossible date', `${HEADER}\n${bad({ 1: '2024-02-30T09:00:00+05:00' })}\n`],
    ['CSV: exponent quantity', `${HEADER}\n${bad({ 5: '1e-7' })}\n`],
    ['CSV: exponent weight', `${HEADER}\n${bad({ 6: '5e-7' })}\n`],
    ['CSV: negative quantity', `${HEADER}\n${bad({ 5: '-1' })}\n`],
    ['CSV: unknown sku', `${HEADER}\n${good}\n${bad({ 0: 'TMZ-F-3', 4: 'NOPE' })}\n`],
    ['CSV: missing cells', `${HEADER}\nTMZ-F-1,2024-01-10T09:00:00+05:00\n`],
    ['CSV: extra cells', `${HEADER}\n${good},extra,more\n`],
    ['CSV: unclosed quote', `${HEADER}\n"TMZ-F-1,2024-01-10\n`],
    ['CSV: 1 MB cell', `${HEADER}\n${bad({ 7: 'z'.repeat(1 << 20) })}\n`],
    [
      'CSV: a surrogate encoded in UTF-8 (not UTF-8)',
      Buffer.concat([Buffer.from(`${HEADER}\n${good}`), Buffer.from([0xed, 0xa0, 0x80, 0x0a])]),
    ],
    ['CSV: random bytes', garbage],
    ['CSV: binary with header', Buffer.concat([Buffer.from(`${HEADER}\n`), garbage])],
  ];
}

/** A digest of every table: changes when any row is added, removed or changed. */
async function tableDigests(t: TestApp): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const { tableName } of t.dataSource.entityMetadatas) {
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(md5(r::text), '' ORDER BY md5(r::text)), '')) AS digest FROM "${tableName}" r`,
    );
    digests[tableName] = `${row.n} rows, ${row.digest}`;
  }
  return digests;
}

const STACK = /\bat (?:async )?[\w$.<>]+ \(|\(?\/[\w./-]+\.[jt]s:\d+:\d+\)?|node_modules/;
const SQL =
  /\b(?:SELECT\b[\s\S]*\bFROM|INSERT INTO|UPDATE\b[\s\S]*\bSET|DELETE FROM)\b|QueryFailedError|duplicate key|violates|syntax error at or near|relation "|invalid input syntax|invalid byte sequence/i;

describe('fuzz: malformed requests from the OpenAPI document (issue 13)', () => {
  let t: TestApp;
  let fixtures: Fixtures;
  beforeAll(async () => {
    // No workers: nothing writes in the background while the tables are compared.
    t = await startTestApp({
      APP_ROLE: 'api',
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '100000',
    });
    await t.reset();
    // One listening socket for all the requests (supertest listens anew for each otherwise).
    await t.app.listen(0, '127.0.0.1');
    const warehouse = await t.createUser('warehouse', 'Fuzz Warehouse');
    await receive(t, warehouse, [{ sku: 'CRI-BLANKET-HT', quantity: 50 }]);
    const dispatch = await t
      .http()
      .post('/api/dispatches')
      .set(t.as())
      .send(dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 1 }]))
      .expect(201);
    await t
      .http()
      .post('/api/energy/systems')
      .set(t.as())
      .send({ code: 'TMZ-PV-FUZZ', name: 'Fuzz array', capacityKwp: 10 })
      .expect(201);
    const users = await t.http().get('/api/users').set(t.as()).expect(200);
    const user = (users.body.items as { id: string; name: string }[]).find(
      (u) => u.name === 'Fuzz Warehouse',
    )!;
    const release = await t
      .http()
      .post('/api/releases')
      .set(t.as())
      .send({ destination: 'AF', lines: [{ sku: 'CRI-BLANKET-HT', quantity: 1 }] })
      .expect(201);
    fixtures = { dispatchId: dispatch.body.id, releaseId: release.body.id, userId: user.id };
  });
  afterAll(() => t.close());

  it('answers at least 1,000 malformed requests with a 4xx, and writes nothing', async () => {
    const doc = (await t.http().get('/api/docs-json').set(t.as()).expect(200)).body as OpenApi;
    const probes = generate(doc, fixtures, new Date());
    expect(probes.length).toBeGreaterThanOrEqual(1000);
    const before = await tableDigests(t);

    const byStatus: Record<string, number> = {};
    const failures: string[] = [];
    let next = 0;
    const send = async (probe: Probe) => {
      let call = t.http()[probe.method as 'post'](probe.path).set(t.as());
      for (const [name, value] of Object.entries(probe.headers ?? {})) call = call.set(name, value);
      if (probe.type) call = call.set('Content-Type', probe.type);
      // Bytes as they are (superagent would write a Buffer as JSON of its bytes).
      if (Buffer.isBuffer(probe.body)) call = call.serialize((body) => body as string);
      let status: number;
      let text: string;
      try {
        const response = await (probe.body === undefined ? call : call.send(probe.body));
        ({ status, text } = response);
        const body = response.body as { statusCode?: unknown };
        if (status >= 400 && response.type === 'application/json' && body.statusCode !== status) {
          failures.push(
            `${probe.kind}: ${status} without the API's error shape: ${text.slice(0, 200)}`,
          );
        }
      } catch (error) {
        // The client itself refused to send it (a path it cannot encode): not a request.
        byStatus.unsent = (byStatus.unsent ?? 0) + 1;
        return `${(error as Error).message}`;
      }
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (status >= 500) failures.push(`${probe.kind}: ${status} ${text.slice(0, 200)}`);
      else if (status < 400 && !probe.method.startsWith('get')) {
        failures.push(`${probe.kind}: accepted (${status}) ${text.slice(0, 200)}`);
      }
      if (STACK.test(text) || SQL.test(text)) {
        failures.push(`${probe.kind}: leaks internals: ${text.slice(0, 300)}`);
      }
      return null;
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < probes.length) await send(probes[next++]);
      }),
    );

    const after = await tableDigests(t);
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
    console.log(
      `fuzz: ${probes.length} malformed requests (seed ${SEED}), by status: ${Object.entries(
        byStatus,
      )
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status}: ${n}`)
        .join(', ')}`,
    );
    expect(failures).toEqual([]);
    expect(changed).toEqual([]);
    expect(byStatus.unsent ?? 0).toBe(0);
  });
});
