import { applyDecorators } from '@nestjs/common';
import { Matches, ValidateBy } from 'class-validator';
import { DomainError } from '../errors/domain.error.js';
import { isValidDay } from '../time/zoned.js';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with its offset that names a real instant (for input parsed by hand). */
export function isInstant(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    WITH_OFFSET.test(value) &&
    isValidDay(value.slice(0, 10)) &&
    !Number.isNaN(Date.parse(value))
  );
}

/** An ISO 8601 instant with its offset (kept a string; services make the Date). */
export const IsInstant = () =>
  applyDecorators(
    Matches(WITH_OFFSET, {
      message:
        '$property must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T14:30:00+05:00',
    }),
    ValidateBy({
      name: 'isRealInstant',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          isValidDay(value.slice(0, 10)) &&
          !Number.isNaN(Date.parse(value)),
        defaultMessage: () => '$property is not a real date and time',
      },
    }),
  );

/** A calendar day, YYYY-MM-DD, in the hub's time zone. */
export const IsDay = () =>
  ValidateBy({
    name: 'isDay',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidDay(value),
      defaultMessage: () => '$property must be a real day as YYYY-MM-DD',
    },
  });

const MAX_PAST_DAYS = 30;

/**
 * How far ahead of the server's clock a recorded time may be: a device's clock drifts, and a
 * truck leaving "now" may be typed a minute ahead. Beyond this, a time is in the future.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** True when `at` is later than `now` plus the tolerance for clock drift. */
export function isInFuture(at: Date | number, now: Date): boolean {
  return (typeof at === 'number' ? at : at.getTime()) > now.getTime() + FUTURE_TOLERANCE_MS;
}

/**
 * A time staff record may be up to 30 days old and not in the future (clocks drift, see
 * FUTURE_TOLERANCE_MS); older history comes in through the import.
 */
export function assertRecordableTime(at: Date, field: string, now: Date): void {
  if (isInFuture(at, now)) {
    throw new DomainError('time.inFuture', `${field} is in the future`, { field });
  }
  if (at.getTime() < now.getTime() - MAX_PAST_DAYS * 86_400_000) {
    throw new DomainError(
      'time.tooOld',
      `${field} is more than ${MAX_PAST_DAYS} days ago; record older history through the import`,
      { field },
    );
  }
}
