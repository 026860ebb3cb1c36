/** How a broken rule is answered over HTTP: a status class, never a wording. */
export type DomainErrorKind = 'badRequest' | 'notFound' | 'conflict' | 'unprocessable';

export const DOMAIN_ERROR_STATUS: Record<DomainErrorKind, number> = {
  badRequest: 400,
  notFound: 404,
  conflict: 409,
  unprocessable: 422,
};

/**
 * Every code a service throws, with its kind: codes are stable (API clients and the web app's
 * translations key on them), and one code always answers with one status.
 */
const KINDS = {
  /** A weekly report's week must start on a Monday. */
  'week.notMonday': 'badRequest',
  /** A weekly report is built only for a week that has ended. */
  'week.notEnded': 'unprocessable',
  /** Taking stock would leave a level below zero (details: `shortages`). */
  'stock.insufficient': 'conflict',
  /**
   * Taking stock off hand (an adjustment) would leave less than release orders reserve
   * (details: `shortages`, `releases` holding it).
   */
  'stock.reserved': 'conflict',
  /** A dispatch names a release the hub does not have. */
  'release.unknown': 'unprocessable',
  /** A cancelled or fulfilled release takes no more dispatches, and is cancelled once. */
  'release.closed': 'conflict',
  /** A dispatch against a release takes only its items, within what remains (details: `lines`). */
  'release.linesExceed': 'unprocessable',
  /** A dispatch against a release goes where the release goes. */
  'release.destinationMismatch': 'unprocessable',
  /** An opening balance adds stock, never removes it. */
  'adjustment.openingMustAdd': 'unprocessable',
  /** Staff record what has happened, give or take a clock's drift. */
  'time.inFuture': 'unprocessable',
  /** Older history comes in through the import. */
  'time.tooOld': 'unprocessable',
  /** A truck is delivered after it left. */
  'delivery.beforeDispatch': 'unprocessable',
  /** A delivery counts every line of its dispatch once, and nothing else. */
  'delivery.linesMismatch': 'unprocessable',
  /** Received plus damaged is at most what was sent (details: `lines`). */
  'delivery.overCounted': 'unprocessable',
  /** A PV system's 12 monthly shares of the year's yield sum to 1. */
  'pvSystem.profileNotWhole': 'unprocessable',
  /** Kits expanded, one SKU comes to more than 1,000,000,000 units (details: `skus`). */
  'lines.tooLarge': 'unprocessable',
  /** A load plan would need more trucks than one plan lists (details: `trucks`). */
  'plan.tooLarge': 'unprocessable',
  /** A unit that fits no truck of the plan, even empty (details: `skus`). */
  'plan.unitTooLarge': 'unprocessable',
} as const satisfies Record<string, DomainErrorKind>;

export type DomainErrorCode = keyof typeof KINDS;

export const DOMAIN_ERROR_CODES = Object.keys(KINDS) as DomainErrorCode[];

export interface DomainErrorOptions {
  /** Facts a client acts on, sent in the API's answer beside the message (shortages, lines). */
  details?: Record<string, unknown>;
  /** The input the rule concerns, as the DTO (and so the web app's form) names it. */
  field?: string;
}

/**
 * A rule of the domain broken, said once by the service that enforces it. The API answers it in
 * Nest's error shape with its `code` (AllExceptionsFilter); the web app says it in the reader's
 * language, next to the field it concerns (FormFailure, WebExceptionFilter). Callers never check
 * the rule again to word it themselves.
 */
export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly details: Record<string, unknown>;
  readonly field?: string;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.kind = KINDS[code];
    this.details = options.details ?? {};
    this.field = options.field;
  }

  get status(): number {
    return DOMAIN_ERROR_STATUS[this.kind];
  }
}
