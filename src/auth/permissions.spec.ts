import { ForbiddenException } from '@nestjs/common';
import {
  Action,
  ACTIONS,
  actsAt,
  actsEverywhere,
  assertCan,
  can,
  rolesFor,
} from './permissions.js';
import { Role } from './role.js';

const { Admin, Warehouse, Coordinator } = Role;

/** SPEC "Roles and keys", action by action: who may, besides nobody else. */
const TABLE: Record<Action, Role[]> = {
  'hub.read': [Admin, Warehouse, Coordinator],
  'catalogue.read': [Admin, Warehouse, Coordinator],
  'account.read': [Admin, Warehouse, Coordinator],
  'account.password': [Admin, Warehouse, Coordinator],
  'stock.record': [Admin, Warehouse],
  'dispatch.record': [Admin, Warehouse],
  'energy.record': [Admin, Warehouse],
  'plan.load': [Admin, Warehouse, Coordinator],
  'release.manage': [Admin, Coordinator],
  'report.build': [Admin, Coordinator],
  'catalogue.manage': [Admin],
  'kits.manage': [Admin],
  'hubs.manage': [Admin],
  'energy.manage': [Admin],
  'routes.manage': [Admin],
  'stats.rebuild': [Admin],
  'users.manage': [Admin],
  'audit.read': [Admin],
  'ops.read': [Admin],
};

const cells = ACTIONS.flatMap((action) =>
  Object.values(Role).map((role) => [action, role, TABLE[action].includes(role)] as const),
);

describe('can()', () => {
  it('knows exactly the actions of the table', () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(TABLE).sort());
  });

  it.each(cells)('%s by %s: %s', (action, role, allowed) => {
    expect(can({ role }, action)).toBe(allowed);
  });

  it('lets an admin do everything', () => {
    for (const action of ACTIONS) expect(can({ role: Admin }, action)).toBe(true);
  });

  it('at a hub: admins everywhere, global coordinators everywhere, others at their hubs', () => {
    for (const [action, role, allowed] of cells) {
      const everywhere = role === Admin ? { role } : { role, hubs: [] };
      const scoped = { role, hubs: ['AMM', 'TMZ'] };
      for (const hub of ['TMZ', 'AMM', 'NBO']) {
        // A warehouse user with no hubs acts nowhere; a coordinator with none, everywhere.
        expect(can(everywhere, action, hub)).toBe(allowed && role !== Warehouse);
        expect(can(scoped, action, hub)).toBe(allowed && (role === Admin || hub !== 'NBO'));
      }
    }
  });

  it('fails closed for a user whose hubs were not loaded (but an admin)', () => {
    expect(actsAt({ role: Coordinator }, 'TMZ')).toBe(false);
    expect(actsAt({ role: Warehouse }, 'TMZ')).toBe(false);
    expect(actsAt({ role: Admin }, 'TMZ')).toBe(true);
    expect(actsEverywhere({ role: Coordinator })).toBe(false);
    expect(actsEverywhere({ role: Coordinator, hubs: [] })).toBe(true);
    expect(actsEverywhere({ role: Warehouse, hubs: [] })).toBe(false);
  });

  it('names the hub in the 403 of a user outside it, after the role check', () => {
    const clerk = { role: Warehouse, hubs: ['TMZ'] };
    expect(() => assertCan(clerk, 'dispatch.record', 'TMZ')).not.toThrow();
    expect(() => assertCan(clerk, 'dispatch.record', 'KBL')).toThrow(
      new ForbiddenException('You do not act at hub KBL'),
    );
    expect(() => assertCan(clerk, 'users.manage', 'KBL')).toThrow(/may not do this/);
  });

  it('names the roles that may, each once, in the 403', () => {
    expect(rolesFor('users.manage')).toEqual([Admin]);
    expect(rolesFor('dispatch.record')).toEqual([Admin, Warehouse]);
    const refuse = (role: Role, action: Action) => () =>
      assertCan({ role, hubs: ['TMZ'] }, action, 'TMZ');
    expect(refuse(Warehouse, 'users.manage')).toThrow(ForbiddenException);
    expect(refuse(Warehouse, 'users.manage')).toThrow(
      'Role "warehouse" may not do this; it needs admin',
    );
    expect(refuse(Coordinator, 'dispatch.record')).toThrow(
      'Role "coordinator" may not do this; it needs admin or warehouse',
    );
    expect(refuse(Warehouse, 'report.build')).toThrow(
      'Role "warehouse" may not do this; it needs admin or coordinator',
    );
    expect(refuse(Coordinator, 'report.build')).not.toThrow();
  });
});
