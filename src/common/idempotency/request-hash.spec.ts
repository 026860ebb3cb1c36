import { requestHash } from './request-hash.js';

describe('requestHash', () => {
  it('ignores key order and whitespace of JSON', () => {
    expect(requestHash({ a: 1, b: [{ x: 1, y: 2 }] })).toBe(
      requestHash({ b: [{ y: 2, x: 1 }], a: 1 }),
    );
  });

  it('tells different bodies apart', () => {
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
    expect(requestHash({ lines: [1, 2] })).not.toBe(requestHash({ lines: [2, 1] }));
    expect(requestHash('a,b\n1,2')).not.toBe(requestHash('a,b\n1,2\n'));
    expect(requestHash('{"a":1}')).not.toBe(requestHash({ a: 1 }));
  });
});
