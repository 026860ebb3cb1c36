import { argon2id, hash, verify } from 'argon2';

export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../config/password-length.js';

/** argon2's defaults for argon2id (64 MiB, 3 passes, 4 lanes): OWASP's recommended strength. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { type: argon2id });
}

/** A hash of some password, so that an unknown name costs as much time as a wrong password. */
let decoy: Promise<string> | undefined;

/** Checks a password against its hash; without a hash, spends the same time and says no. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword('relief-hub decoy password');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
