import { auditChanges, AUDITED_FIELDS, isSecretField } from './audit-diff.js';

describe('auditChanges()', () => {
  it('lists every allowed field given when something is created, none empty on both sides', () => {
    expect(
      auditChanges('destination', null, { id: 7, code: 'SY', name: 'Syria', iso2: null }),
    ).toEqual({ code: [null, 'SY'], name: [null, 'Syria'] });
  });

  it('keeps only the fields that changed, with before and after', () => {
    const before = { sku: 'CRI-1', name: 'Lamp', unit: 'piece', unitWeightKg: 1.25 };
    const after = { ...before, name: 'Solar lamp', unitWeightKg: 1.5 };
    expect(auditChanges('item', before, after)).toEqual({
      name: ['Lamp', 'Solar lamp'],
      unitWeightKg: [1.25, 1.5],
    });
    expect(auditChanges('item', before, { ...before })).toEqual({});
  });

  it('shows the last value of something removed', () => {
    expect(auditChanges('destination', { code: 'SY', name: 'Syria' }, null)).toEqual({
      code: ['SY', null],
      name: ['Syria', null],
    });
  });

  it('stores dates as ISO 8601 and takes a numeric string for the number it is', () => {
    const at = new Date('2026-11-29T10:00:00.000Z');
    expect(auditChanges('user', { revokedAt: null }, { revokedAt: at })).toEqual({
      revokedAt: [null, '2026-11-29T10:00:00.000Z'],
    });
    expect(auditChanges('item', { unitWeightKg: '1.500000' }, { unitWeightKg: 1.5 })).toEqual({});
    expect(auditChanges('user', { hubs: ['TMZ'] }, { hubs: ['TMZ', 'AMM'] })).toEqual({
      hubs: [['TMZ'], ['TMZ', 'AMM']],
    });
  });

  it('leaves out fields not allowed for the target, secrets above all', () => {
    const before = {
      name: 'Dilnoza',
      apiKeyHash: 'a'.repeat(64),
      passwordHash: '$argon2id$v=19$...',
      createdAt: new Date(0),
    };
    const after = {
      ...before,
      apiKey: 'rh_secret',
      apiKeyHash: 'b'.repeat(64),
      passwordHash: '$argon2id$v=19$other',
      password: 'a long password',
      passwordChangedAt: new Date(1000),
      createdAt: new Date(2000),
    };
    const changes = auditChanges('user', before, after);
    expect(changes).toEqual({ passwordChangedAt: [null, '1970-01-01T00:00:01.000Z'] });
    expect(JSON.stringify(changes)).not.toMatch(/rh_secret|argon2|bbbb|long password/);
  });

  it('knows a secret by its name, whatever the allow-lists say', () => {
    for (const field of ['apiKey', 'apiKeyHash', 'api_key', 'password', 'passwordHash', 'hash']) {
      expect([field, isSecretField(field)]).toEqual([field, true]);
    }
    for (const field of ['csrfToken', 'token', 'secret', 'clientSecret', 'key', 'signingKey']) {
      expect([field, isSecretField(field)]).toEqual([field, true]);
    }
    for (const field of ['passwordChangedAt', 'name', 'hubs', 'keyword', 'hashtagCount']) {
      expect([field, isSecretField(field)]).toEqual([field, false]);
    }
    // No allow-list names a secret field.
    const allowed = Object.values(AUDITED_FIELDS).flat() as string[];
    expect(allowed.filter(isSecretField)).toEqual([]);
  });
});
