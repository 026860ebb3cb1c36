import { NotFoundException, ParseUUIDPipe } from '@nestjs/common';
import { isValidDay } from '../common/time/zoned.js';

/**
 * A record's id in a page's address: one that cannot be an id (`/app/dispatches/not-a-uuid`) is
 * the app's "Not found" page, as an id that names nothing is; a URL is not a form to correct.
 */
export const WebId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException() });

/** A day in a page's address (a report's week): anything but YYYY-MM-DD is "Not found". */
export function assertDayInPath(value: string): void {
  if (!isValidDay(value)) throw new NotFoundException();
}
