import {
  checkCsvText,
  checkJsonShape,
  MAX_JSON_ARRAY_LENGTH,
  MAX_JSON_DEPTH,
} from './body-parsers.js';

const json = (text: string) => () => checkJsonShape(Buffer.from(text), 'utf-8');
const csv =
  (text: string | Buffer, charset = 'utf-8') =>
  () =>
    checkCsvText(Buffer.isBuffer(text) ? text : Buffer.from(text), charset);

describe('checkJsonShape', () => {
  it(`takes nesting up to ${MAX_JSON_DEPTH} levels, in arrays and objects`, () => {
    expect(json('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
    expect(json('{"a":'.repeat(MAX_JSON_DEPTH) + '1' + '}'.repeat(MAX_JSON_DEPTH))).not.toThrow();
    expect(json('['.repeat(MAX_JSON_DEPTH + 1))).toThrow(/nested more than 8 levels/);
    expect(json('[{"a":'.repeat(5) + '1')).toThrow(/nested/);
  });

  it('does not count brackets, commas or escaped quotes inside strings', () => {
    const text = JSON.stringify({
      a: '[[[[[[[[[[{{{{{{{{{{',
      b: 'x\\"[[[[[[[[[[[',
      c: ','.repeat(20_000),
    });
    expect(json(text)).not.toThrow();
  });

  it(`takes arrays of up to ${MAX_JSON_ARRAY_LENGTH} elements, at any depth`, () => {
    const array = (n: number) =>
      JSON.stringify(Array.from({ length: n }, () => ({ a: 1, b: [1, 2] })));
    expect(json(array(MAX_JSON_ARRAY_LENGTH))).not.toThrow();
    expect(json(array(MAX_JSON_ARRAY_LENGTH + 1))).toThrow(/more than 20000 elements/);
    expect(json(`{"lines":${array(MAX_JSON_ARRAY_LENGTH + 1)}}`)).toThrow(/more than 20000/);
    // An object's members are not elements.
    const keys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    expect(json(JSON.stringify(keys))).not.toThrow();
  });

  it("counts the top-level arrays its route's DTO names against the DTO's limit", () => {
    const caps = new Map([['readings', 10]]);
    const list = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ i })));
    const shape =
      (text: string, charset = 'utf-8') =>
      () =>
        checkJsonShape(Buffer.from(text), charset, caps);
    expect(shape(`{"system":"a","readings":${list(10)}}`)).not.toThrow();
    expect(shape(`{"system":"a","readings":${list(11)}}`)).toThrow(
      /^readings must contain no more than 10 elements$/,
    );
    expect(shape(`{ "system" : "a" , "readings" :\n ${list(11)} }`)).toThrow(/readings must/);
    // another member, the name as a value, a nested member of that name: the general cap only
    expect(shape(`{"other":${list(11)},"readings":[]}`)).not.toThrow();
    expect(shape(`{"a":"readings","b":${list(11)}}`)).not.toThrow();
    expect(shape(`{"x":{"readings":${list(11)}}}`)).not.toThrow();
    expect(shape(`[{"readings":${list(11)}}]`)).not.toThrow();
    expect(shape(`{"readings":[${list(11)}]}`)).not.toThrow();
    expect(() =>
      checkJsonShape(Buffer.from(`{"readings":${list(MAX_JSON_ARRAY_LENGTH + 1)}}`), 'utf-8'),
    ).toThrow(/more than 20000 elements/);
  });

  it('leaves what is not JSON to the parser', () => {
    expect(json(']]]]' + '['.repeat(20))).not.toThrow();
    expect(json('"unterminated')).not.toThrow();
  });

  it('refuses bytes that are not UTF-8, unless another charset is named', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    expect(() => checkJsonShape(bytes, 'utf-8')).toThrow(/not valid UTF-8/);
    expect(() =>
      checkJsonShape(Buffer.from('{"a":"\u00e9"}', 'utf16le'), 'utf-16le'),
    ).not.toThrow();
  });
});

describe('checkCsvText', () => {
  it('names the line of a NUL character', () => {
    expect(csv('a,b\n1,2\n')).not.toThrow();
    expect(csv('a,b\u0000\n1,2\n')).toThrow(/NUL character on line 1/);
    expect(csv('a,b\n1,2\n3,\u00004\n')).toThrow(/NUL character on line 3/);
  });

  it('reads a UTF-16 CSV by its characters, and a one-byte charset by its bytes', () => {
    expect(csv(Buffer.from('a,b\n1,2\n', 'utf16le'), 'utf-16le')).not.toThrow();
    expect(csv(Buffer.from('a,b\n1,\u00002\n', 'utf16le'), 'utf-16le')).toThrow(/on line 2/);
    expect(csv(Buffer.from([0x61, 0x0a, 0xe9, 0x00]), 'windows-1251')).toThrow(/on line 2/);
    expect(csv(Buffer.from([0x61, 0x0a, 0xe9]), 'windows-1251')).not.toThrow();
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(csv(Buffer.from([0x61, 0x2c, 0xed, 0xa0, 0x80, 0x0a]))).toThrow(/not valid UTF-8/);
  });
});
