import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateNested } from 'class-validator';
import { SafeInputPipe, unsafeInput } from './safe-input.js';

class Line {
  sku: string;
}

/** As a dispatch takes its lines: up to 100. */
class Dispatch {
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => Line)
  lines: Line[];
}

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

describe('SafeInputPipe', () => {
  const pipe = new SafeInputPipe();
  const refusal = (value: unknown, metatype?: new () => unknown) => {
    try {
      pipe.transform(value, { type: 'body', data: '', metatype });
    } catch (error) {
      if (error instanceof BadRequestException)
        return (error.getResponse() as { message: unknown }).message;
      throw error;
    }
    return null;
  };

  it("measures a DTO's arrays before walking their elements", () => {
    // 19,999 lines (under the body parser's cap), the last with a NUL: refused for their number
    // before the walk that would find the NUL reads them all.
    const lines = Array.from({ length: 19_999 }, () => ({ sku: 'CRI-RHU', quantity: 1 }));
    lines[19_998].sku = 'CRI\u0000';
    const body = { destination: 'AF', truckPlate: 'X 1', lines };
    expect(refusal(body, Dispatch)).toEqual(['lines must contain no more than 100 elements']);
    // without a DTO to measure against, the walk names the NUL
    expect(refusal(body)).toEqual(['lines.19998.sku must not contain a NUL character (\\u0000)']);
  });
});
