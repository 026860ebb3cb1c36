import { ArrayMaxSize, IsArray, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { refuseMisshapenArrays } from './validation.pipe.js';

class Line {
  sku: string;
}

class Body {
  @IsArray()
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => Line)
  lines: Line[];

  @IsArray()
  @ArrayMaxSize(2)
  tags: string[];
}

const refusal = (value: unknown) => {
  try {
    refuseMisshapenArrays(Body, value);
    return null;
  } catch (error) {
    return (error as { getResponse(): { message: string[] } }).getResponse().message;
  }
};

describe('refuseMisshapenArrays', () => {
  it('lets well-shaped arrays and other values through to the validator', () => {
    expect(refusal({ lines: [{ sku: 'A' }], tags: ['a', 'b'] })).toBeNull();
    expect(refusal({ lines: 'not an array', tags: 3 })).toBeNull();
    expect(refusal(null)).toBeNull();
    expect(refusal([1, 2, 3, 4])).toBeNull();
  });

  it('measures an array before its elements', () => {
    expect(refusal({ lines: Array.from({ length: 4 }, () => 0) })).toEqual([
      'lines must contain no more than 3 elements',
    ]);
    expect(refusal({ tags: ['a', 'b', 'c'] })).toEqual([
      'tags must contain no more than 2 elements',
    ]);
  });

  it('wants objects where the DTO validates nested objects', () => {
    expect(refusal({ lines: [{ sku: 'A' }, [{ sku: 'B' }]] })).toEqual([
      'lines.1 must be an object',
    ]);
    expect(refusal({ lines: [null] })).toEqual(['lines.0 must be an object']);
    expect(refusal({ lines: ['A'] })).toEqual(['lines.0 must be an object']);
    // Strings are fine where no nested DTO is expected.
    expect(refusal({ tags: ['a'] })).toBeNull();
  });
});
