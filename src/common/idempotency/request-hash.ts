import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so that key order and whitespace do not change the hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A CSV body (a string) is compared as bytes; a JSON body as parsed JSON. */
export function requestHash(body: unknown): string {
  const text = typeof body === 'string' ? `csv:${body}` : `json:${canonical(body)}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
