import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: long enough that a fast hash is a safe way to store and look a key up. */
export function generateApiKey(): string {
  return `rh_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}
