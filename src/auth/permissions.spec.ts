import { ForbiddenException } from '@nestjs/common';
import { Action, ACTIONS, assertCan, can, rolesFor } from './permissions.js';
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
  'report.build': [Admin, Coordinator],
  'catalogue.manage': [Admin],
  'hubs.manage': [Admin],
  'energy.manage': [Admin],
  'stats.rebuild': [Admin],
  'users.manage': [Admin],
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

  it('takes a hub and, until users have hubs, allows every hub to those the role allows', () => {
    for (const [action, role, allowed] of cells) {
      for (const hub of ['TMZ', 'AMM', 'NBO']) expect(can({ role }, action, hub)).toBe(allowed);
    }
  });

  it('names the roles that may, each once, in the 403', () => {
    expect(rolesFor('users.manage')).toEqual([Admin]);
    expect(rolesFor('dispatch.record')).toEqual([Admin, Warehouse]);
    const refuse = (role: Role, action: Action) => () => assertCan({ role }, action, 'TMZ');
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
