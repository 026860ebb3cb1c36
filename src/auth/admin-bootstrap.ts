import { EntityManager, IsNull } from 'typeorm';
import { appendAudit } from '../audit/audit.service.js';
import { notifyChange } from '../database/change-notifications.js';
import { generateApiKey, hashApiKey } from './api-key.js';
import { hashPassword } from './password.js';
import { Role } from './role.js';
import { User } from './user.entity.js';

export interface AdminBootstrapResult {
  /** Set only when a key was generated here: it must be shown to the operator once. */
  generatedApiKey?: string;
  /** Set when an admin was created here. */
  name?: string;
  /** What became of ADMIN_PASSWORD, when it is set: given to this admin, or it had one already. */
  password?: { admin: string; given: boolean };
}

/**
 * With ADMIN_API_KEY set, an active admin holds that key after start. Without it, an admin is
 * created (and its key returned for printing) only when no active admin exists.
 *
 * With ADMIN_PASSWORD set, that admin (the key's holder; without a key, the first active admin,
 * created now or earlier) gets it as its web app password when it has none, so whoever installs
 * relief-hub can sign in at /app. A password set before is never replaced from here: changing it
 * is POST /api/users/:id/password's job, which also ends the admin's sessions.
 */
export async function ensureAdmin(
  manager: EntityManager,
  adminApiKey: string | undefined,
  adminPassword?: string,
): Promise<AdminBootstrapResult> {
  const { admin, ...result } = await ensureAdminUser(manager, adminApiKey);
  if (!adminPassword) return result;
  if (admin.passwordChangedAt) return { ...result, password: { admin: admin.name, given: false } };
  const fields = { passwordHash: await hashPassword(adminPassword), passwordChangedAt: new Date() };
  await manager.getRepository(User).update(admin.id, fields);
  await appendAudit(manager, {
    action: 'user.passwordSet',
    target: { type: 'user', id: admin.id },
    before: admin,
    after: { ...admin, ...fields },
  });
  await notifyChange(manager, 'user', admin.id);
  return { ...result, password: { admin: admin.name, given: true } };
}

async function ensureAdminUser(
  manager: EntityManager,
  adminApiKey: string | undefined,
): Promise<AdminBootstrapResult & { admin: User }> {
  const users = manager.getRepository(User);
  if (adminApiKey) {
    const apiKeyHash = hashApiKey(adminApiKey);
    const holder = await users.findOneBy({ apiKeyHash });
    if (holder) {
      if (holder.role !== Role.Admin || holder.revokedAt) {
        const restored = { role: Role.Admin, revokedAt: null };
        await users.update(holder.id, restored);
        await appendAudit(manager, {
          action: 'user.updated',
          target: { type: 'user', id: holder.id },
          before: holder,
          after: { ...holder, ...restored },
        });
        // Processes already running (a restart of one of several) forget what they kept of it.
        await notifyChange(manager, 'user', holder.id);
      }
      return { admin: holder };
    }
    const name = await freeName(manager, 'admin');
    const admin = await users.save(users.create({ name, role: Role.Admin, apiKeyHash }));
    await recordCreated(manager, admin);
    return { admin, name };
  }
  const first = await users.findOne({
    where: { role: Role.Admin, revokedAt: IsNull() },
    order: { createdAt: 'ASC', id: 'ASC' },
  });
  if (first) return { admin: first };
  const apiKey = generateApiKey();
  const name = await freeName(manager, 'admin');
  const admin = await users.save(
    users.create({ name, role: Role.Admin, apiKeyHash: hashApiKey(apiKey) }),
  );
  await recordCreated(manager, admin);
  return { admin, generatedApiKey: apiKey, name };
}

/** The start-up's own changes are on the record too, with no actor. */
function recordCreated(manager: EntityManager, admin: User): Promise<void> {
  return appendAudit(manager, {
    action: 'user.created',
    target: { type: 'user', id: admin.id },
    before: null,
    after: admin,
  });
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
