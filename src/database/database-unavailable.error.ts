/**
 * PostgreSQL could not be reached or refused the login at start-up: said in one line that names
 * DATABASE_URL (its password masked), as bad configuration is, rather than as a stack trace.
 */
export class DatabaseUnavailableError extends Error {
  /** The one-line error for `error` if it is a connection or login failure, else undefined. */
  static from(error: unknown, databaseUrl: string): DatabaseUnavailableError | undefined {
    const code = codeOf(error);
    if (!code) return undefined;
    const url = new URL(databaseUrl);
    const where = `${url.hostname}:${url.port || 5432}`;
    const user = decodeURIComponent(url.username || 'postgres');
    if (UNREACHABLE.has(code)) {
      return new DatabaseUnavailableError(
        `PostgreSQL is not reachable at ${where} (DATABASE_URL): ${code}`,
      );
    }
    if (LOGIN_REFUSED.has(code)) {
      return new DatabaseUnavailableError(
        `PostgreSQL at ${where} refused user "${user}" (DATABASE_URL): ${firstMessage(error)}`,
      );
    }
    if (code === '57P03') {
      return new DatabaseUnavailableError(
        `PostgreSQL at ${where} is starting up or shutting down (DATABASE_URL); try again shortly`,
      );
    }
    return undefined;
  }
}

/** Network failures: nothing answers at that address. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);
/** invalid_password, invalid_authorization_specification (no such role, pg_hba refused). */
const LOGIN_REFUSED = new Set(['28P01', '28000']);

type Coded = { code?: unknown; message?: unknown; errors?: unknown[] };

/** The code of a pg or socket error, or of the first of an AggregateError (IPv6 then IPv4). */
function codeOf(error: unknown): string | undefined {
  const coded = error as Coded | undefined;
  if (typeof coded?.code === 'string') return coded.code;
  const first = coded?.errors?.[0] as Coded | undefined;
  return typeof first?.code === 'string' ? first.code : undefined;
}

function firstMessage(error: unknown): string {
  const coded = error as Coded | undefined;
  return typeof coded?.message === 'string' ? coded.message : String(error);
}
