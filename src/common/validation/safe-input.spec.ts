import { unsafeInput } from './safe-input.js';

describe('unsafeInput', () => {
  it('passes ordinary text, numbers and nesting', () => {
    expect(unsafeInput({ a: 'Afghanistan 🚚', b: [1, { c: 'ё' }], d: null }, '')).toBeNull();
  });

  it('names the field of a NUL character, in a body, a query or a parameter', () => {
    expect(unsafeInput({ driverName: 'a\u0000b' }, '')).toBe(
      'driverName must not contain a NUL character (\\u0000)',
    );
    expect(unsafeInput({ lines: [{ sku: 'A' }, { sku: '\u0000' }] }, '')).toMatch(
      /^lines\.1\.sku /,
    );
    expect(unsafeInput({ hub: ['TMZ', 'T\u0000'] }, '')).toMatch(/^hub\.1 /);
    expect(unsafeInput('\u0000', 'sku')).toMatch(/^sku must not contain a NUL/);
    expect(unsafeInput('a,b\n\u0000', '')).toMatch(/^the body must not/);
  });

  it('refuses a lone surrogate, and a NUL in a key', () => {
    expect(unsafeInput({ note: 'a\ud800' }, '')).toBe('note must be well-formed Unicode text');
    expect(unsafeInput({ note: '\udc00' }, '')).toMatch(/well-formed/);
    expect(unsafeInput({ 'a\u0000': 1 }, '')).toMatch(/^the name of property "a\\u0000"/);
  });

  it('refuses __proto__, constructor and prototype as unknown properties', () => {
    expect(unsafeInput(JSON.parse('{"__proto__":{"x":1}}'), '')).toBe(
      'property __proto__ should not exist',
    );
    expect(unsafeInput({ lines: [{ constructor: 1 }] }, '')).toBe(
      'property lines.0.constructor should not exist',
    );
  });
});
