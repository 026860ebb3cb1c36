import type { Changes } from './audit-record.entity.js';

/**
 * The fields of each kind of target the audit trail may show. A field not listed is left out,
 * so a column added later (a secret, say) stays out of the trail until someone decides it is
 * fit to show. A new kind of target (kits, transport routes) adds its line here.
 */
export const AUDITED_FIELDS = {
  user: ['name', 'role', 'hubs', 'revokedAt', 'passwordChangedAt', 'language'],
  hub: ['code', 'name', 'shortName', 'timeZone', 'countryCode', 'latitude', 'longitude'],
  item: ['sku', 'name', 'category', 'pluralName', 'unit', 'unitWeightKg', 'unitVolumeM3'],
  destination: ['code', 'name', 'iso2'],
  pvSystem: [
    ...['code', 'hub', 'name', 'capacityKwp', 'commissionedOn'],
    ...['targetPerformanceRatio', 'monthlyProfile'],
  ],
  route: ['hub', 'destination', 'distanceKm', 'basis'],
  kit: ['code', 'name', 'householdSize', 'version', 'components'],
} as const satisfies Record<string, readonly string[]>;

export type AuditTargetType = keyof typeof AUDITED_FIELDS;

/**
 * Never in the trail, whatever an allow-list says: keys, passwords, hashes, tokens, secrets,
 * by name (`apiKey`, `apiKeyHash`, `password`, `passwordHash`, `csrfToken`, `secret`).
 * `passwordChangedAt` is a time, not a secret, and passes.
 */
const SECRET = /(^|[a-z_])(api_?key|key|password|pass(word)?_?hash|hash|token|secret)$/i;

export function isSecretField(field: string): boolean {
  return SECRET.test(field);
}

/** A value as the trail stores it: JSON, dates as ISO 8601, numbers as numbers. */
function normalize(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalize(v)]),
    );
  }
  return value;
}

/** Equal as stored: `"1.500000"` (numeric from pg) and `1.5` are the same weight. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'number') return same(b, a);
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '') return a === Number(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * `{ field: [before, after] }` for each allowed field of `type` whose value differs between
 * `before` and `after` (null before for something created, null after for something removed).
 * Secret fields are dropped even when allowed.
 */
export function auditChanges(
  type: AuditTargetType,
  before: object | null,
  after: object | null,
): Changes {
  const was = (before ?? {}) as Record<string, unknown>;
  const is = (after ?? {}) as Record<string, unknown>;
  const changes: Changes = {};
  for (const field of AUDITED_FIELDS[type] as readonly string[]) {
    if (isSecretField(field)) continue;
    if (!(field in was) && !(field in is)) continue;
    const from = before === null ? null : normalize(was[field]);
    const to = after === null ? null : normalize(is[field]);
    if (!same(from, to)) changes[field] = [from, to];
  }
  return changes;
}
