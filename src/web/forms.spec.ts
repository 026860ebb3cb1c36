import { CreateDispatchDto, RecordDeliveryDto } from '../dispatches/dto/dispatch.dto.js';
import { CreateAdjustmentDto, CreateReceiptDto } from '../stock/dto/stock.dto.js';
import { decimal, FieldMessage, validateAs, wholeNumber } from './forms.js';

describe('numbers typed in a form', () => {
  it('reads a whole number as any of the languages shows it', () => {
    for (const typed of ['1000', '1,000', '1 000', '1\u00a0000', '1\u202f000', ' 1 000 ']) {
      expect([typed, wholeNumber(typed)]).toEqual([typed, 1000]);
    }
    expect(wholeNumber('1,234,567')).toBe(1234567);
    expect(wholeNumber('-25')).toBe(-25);
    // Not a grouping: left as text for the validator to refuse.
    for (const typed of ['1,00', '1,0000', '1.5', 'abc', '10,5', '1,000.5']) {
      expect([typed, wholeNumber(typed)]).toEqual([typed, typed]);
    }
  });

  it('reads a decimal with the reader’s separators', () => {
    expect(decimal('1,234.5', 'en')).toBe(1234.5);
    expect(decimal('1,500', 'en')).toBe(1500);
    expect(decimal('2,5', 'en')).toBe(2.5);
    expect(decimal('1\u00a0234,5', 'ru')).toBe(1234.5);
    expect(decimal('1 234,5', 'uz')).toBe(1234.5);
    expect(decimal('12.5', 'ru')).toBe(12.5);
    expect(decimal('1,5,5', 'ru')).toBe('1,5,5');
  });
});

describe('validation messages of the web forms', () => {
  const messages = async (type: new () => object, plain: Record<string, unknown>) => {
    const result = await validateAs(type, plain);
    return result.errors as Record<string, FieldMessage[]>;
  };

  it('gives a bad quantity one message, the most basic', async () => {
    const errors = await messages(CreateReceiptDto, {
      reference: 'R1',
      lines: [
        { sku: 'CRI-RHU', quantity: 'abc' },
        { sku: 'CRI-TENT', quantity: 0 },
        { sku: 'CRI-MAT', quantity: 2_000_000_000 },
      ],
    });
    expect(errors['lines.0.quantity']).toEqual([
      { key: 'valid.wholeNumber', params: { example: 1000 } },
    ]);
    expect(errors['lines.1.quantity']).toEqual([
      { key: 'valid.range', params: { min: 1, max: 1_000_000_000 } },
    ]);
    expect(errors['lines.2.quantity']).toEqual([
      { key: 'valid.range', params: { min: 1, max: 1_000_000_000 } },
    ]);
  });

  it('words every rule of the web forms with a key, never the API’s English', async () => {
    const dispatch = await messages(CreateDispatchDto, {
      destination: 'not a code',
      truckPlate: '!!',
      trailerPlate: 'x'.repeat(40),
      driverPhone: 'call me',
      cargoWeightKg: 'heavy',
      distanceKm: 1.23456,
      dispatchedAt: 'yesterday',
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'A', quantity: 2 },
      ],
    });
    expect(Object.fromEntries(Object.entries(dispatch).map(([k, v]) => [k, v[0].key]))).toEqual({
      destination: 'valid.code',
      truckPlate: 'valid.plate',
      trailerPlate: 'valid.tooLong',
      driverPhone: 'valid.phone',
      cargoWeightKg: 'valid.decimal',
      distanceKm: 'valid.decimal',
      dispatchedAt: 'valid.time',
      lines: 'valid.lineTwice',
    });
    expect(dispatch.trailerPlate[0].params).toEqual({ max: 32 });
    const adjustment = await messages(CreateAdjustmentDto, {
      sku: '',
      delta: '1.5',
      reason: 'WHIM',
    });
    expect(Object.values(adjustment).map((v) => v[0].key)).toEqual(
      expect.arrayContaining(['valid.wholeNumber', 'valid.choose']),
    );
    const delivery = await messages(RecordDeliveryDto, {
      deliveredAt: '',
      lines: [{ sku: 'CRI-RHU', receivedQuantity: -1 }],
    });
    expect(delivery['lines.0.receivedQuantity'][0].key).toBe('valid.range');
    for (const errors of [dispatch, adjustment, delivery]) {
      for (const list of Object.values(errors)) {
        expect(list).toHaveLength(1);
        expect(list[0].key).not.toBe('valid.invalid');
      }
    }
  });
});
