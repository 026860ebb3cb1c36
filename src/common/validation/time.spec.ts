import { DomainError } from '../errors/domain.error.js';
import { assertRecordableTime, FUTURE_TOLERANCE_MS, isInFuture } from './time.js';

const now = new Date('2024-05-31T12:00:00Z');

describe('the future, give or take clock drift', () => {
  it('starts five minutes after now', () => {
    expect(FUTURE_TOLERANCE_MS).toBe(5 * 60_000);
    expect(isInFuture(new Date('2024-05-31T12:05:00Z'), now)).toBe(false);
    expect(isInFuture(new Date('2024-05-31T12:05:00.001Z'), now)).toBe(true);
    expect(isInFuture(Date.parse('2024-05-31T12:05:00.001Z'), now)).toBe(true);
    expect(isInFuture(new Date('2020-01-01T00:00:00Z'), now)).toBe(false);
  });

  it('bounds the times staff record: not in the future, at most 30 days old', () => {
    const refusal = (at: string, field: string) => {
      try {
        assertRecordableTime(new Date(at), field, now);
        return null;
      } catch (error) {
        const { code, message } = error as DomainError;
        return { code, message };
      }
    };
    expect(refusal('2024-05-31T12:04:00Z', 'dispatchedAt')).toBeNull();
    expect(refusal('2024-05-31T12:06:00Z', 'dispatchedAt')).toEqual({
      code: 'time.inFuture',
      message: 'dispatchedAt is in the future',
    });
    expect(refusal('2024-04-30T11:00:00Z', 'receivedAt')).toEqual({
      code: 'time.tooOld',
      message: expect.stringMatching(/^receivedAt is more than 30 days ago/),
    });
  });
});
