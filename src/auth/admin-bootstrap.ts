import { EntityManager, IsNull } from 'typeorm';
import { generateApiKey, hashApiKey } from './api-key.js';
import { Role } from './role.js';
import { User } from './user.entity.js';

export interface AdminBootstrapResult {
  /** Set only when a key was generated here: it must be shown to the operator once. */
  generatedApiKey?: string;
  name?: string;
}

/**
 * With ADMIN_API_KEY set, an active admin holds that key after start. Without it, an admin is
 * created (and its key returned for printing) only when no active admin exists.
 */
export async function ensureAdmin(
  manager: EntityManager,
  adminApiKey: string | undefined,
): Promise<AdminBootstrapResult> {
  const users = manager.getRepository(User);
  if (adminApiKey) {
    const apiKeyHash = hashApiKey(adminApiKey);
    const holder = await users.findOneBy({ apiKeyHash });
    if (holder) {
      if (holder.role !== Role.Admin || holder.revokedAt) {
        await users.update(holder.id, { role: Role.Admin, revokedAt: null });
      }
      return {};
    }
    const name = await freeName(manager, 'admin');
    await users.insert({ name, role: Role.Admin, apiKeyHash });
    return { name };
  }
  const activeAdmins = await users.countBy({ role: Role.Admin, revokedAt: IsNull() });
  if (activeAdmins > 0) return {};
  const apiKey = generateApiKey();
  const name = await freeName(manager, 'admin');
  await users.insert({ name, role: Role.Admin, apiKeyHash: hashApiKey(apiKey) });
  return { generatedApiKey: apiKey, name };
}

async function freeName(manager: EntityManager, base: string): Promise<string> {
  const taken = new Set(
    (
      await manager
        .getRepository(User)
        .createQueryBuilder('u')
        .select('u.name', 'name')
        .where('u.name = :base OR u.name LIKE :pattern', { base, pattern: `${base}-%` })
        .getRawMany<{ name: string }>()
    ).map((row) => row.name),
  );
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}
