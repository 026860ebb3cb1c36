import { JSON_BODY_LIMIT } from '../../common/http/body-limits.js';
import { ApiValidationPipe } from '../../common/validation/validation.pipe.js';
import { CreateDispatchDto, RecordDeliveryDto } from './dispatch.dto.js';

/**
 * The largest JSON bodies the API's routes take under the default limit are a dispatch and a
 * delivery of 100 lines (MAX_LINES); readings have a limit of their own. Written as Python's
 * json.dumps writes them by default (every non-ASCII character as a six-byte \uXXXX) and
 * indented, with every text at its longest in Cyrillic: 18 KB and 29 KB, well under the limit.
 */
const asciiIndented = (body: unknown) =>
  JSON.stringify(body, null, 2).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const code = (i: number) => `C-${String(i).padStart(3, '0')}-${'X'.repeat(58)}`;
const text = (length: number) => 'Ж'.repeat(length);

async function valid(metatype: new () => unknown, body: object): Promise<void> {
  await new ApiValidationPipe().transform(body, { type: 'body', metatype });
}

describe('the default JSON body limit', () => {
  it('is over eight times the largest dispatch and delivery', async () => {
    const dispatch = {
      hub: code(0),
      waybillNo: code(1),
      destination: code(2),
      truckPlate: text(32),
      trailerPlate: text(32),
      driverName: text(200),
      driverPhone: `+${'9'.repeat(31)}`,
      carrier: text(200),
      consignee: text(200),
      emergency: text(200),
      dispatchedAt: '2024-05-31T14:30:00.123+05:00',
      cargoWeightKg: 99_999.999,
      distanceKm: 49_999.999,
      fuelLitres: 999_999.999,
      lines: Array.from({ length: 100 }, (_, i) =>
        i % 2
          ? { sku: code(i), quantity: 1_000_000_000 }
          : { kit: code(i), quantity: 1_000_000_000 },
      ),
    };
    const delivery = {
      deliveredAt: '2024-05-31T14:30:00.123+05:00',
      lines: Array.from({ length: 100 }, (_, i) => ({
        sku: code(i),
        receivedQuantity: 1_000_000_000,
        damagedQuantity: 1_000_000_000,
      })),
      note: text(2000),
    };
    await valid(CreateDispatchDto, dispatch);
    await valid(RecordDeliveryDto, delivery);
    // a character more anywhere is refused: these are the longest
    await expect(valid(CreateDispatchDto, { ...dispatch, carrier: text(201) })).rejects.toThrow();
    await expect(valid(RecordDeliveryDto, { ...delivery, note: text(2001) })).rejects.toThrow();
    for (const body of [dispatch, delivery]) {
      expect(asciiIndented(body).length).toBeGreaterThan(15_000);
      expect(asciiIndented(body).length).toBeLessThan(JSON_BODY_LIMIT / 8);
    }
  });
});
