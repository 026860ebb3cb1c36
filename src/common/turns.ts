import { setImmediate } from 'node:timers/promises';

/**
 * Rows that work over a whole file (an import of 100,000 rows) handles between two turns of the
 * event loop: a few milliseconds of CPU, so that other requests are served meanwhile.
 */
export const ROWS_PER_TURN = 2_000;

/** Lets whatever else is waiting on the event loop run (I/O, timers), then goes on. */
export const nextTurn = (): Promise<void> => setImmediate();
