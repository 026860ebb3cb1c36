import { UnprocessableEntityException } from '@nestjs/common';

/**
 * One thing wrong with a request's input, where it is: a CSV row as a spreadsheet numbers it
 * (the header being row 1) or an item of a JSON list (`index`), and the CSV column when the
 * problem is one cell's. The message names the column too, so it reads alone.
 */
export interface Problem {
  row?: number;
  index?: number;
  column?: string;
  message: string;
}

/** The body of every problem-list 422 (besides Nest's statusCode and error). */
export interface ProblemListBody {
  /** What happened, then the first problem: "Nothing was imported: row 3: ... (and 2 more problems)". */
  message: string;
  /** The first MAX_LISTED_PROBLEMS, in row (or index) order. */
  errors: Problem[];
  /** All of them, listed or not. */
  errorCount: number;
}

/** Enough to fix a file in one go without a response of megabytes for a file of garbage. */
export const MAX_LISTED_PROBLEMS = 100;

const position = (p: Problem) => p.row ?? p.index ?? 0;

/**
 * 422 naming every problem of a request at once (the first 100 listed, all counted); nothing of
 * it was stored, as `outcome` says ("Nothing was imported"). `list` names the JSON list that
 * `index` points into, so a problem reads "readings.3: ...". A caller that stops keeping
 * problems past the first MAX_LISTED_PROBLEMS of each of its sources (in position order) passes
 * how many there were in `count`.
 */
export function refuseProblems(
  outcome: string,
  problems: Problem[],
  { list = 'items', count = problems.length }: { list?: string; count?: number } = {},
): never {
  const sorted = [...problems].sort((a, b) => position(a) - position(b));
  const [first] = sorted;
  const where = first.row !== undefined ? `row ${first.row}` : `${list}.${first.index}`;
  const rest = count - 1;
  const more = rest > 0 ? ` (and ${rest} more problem${rest === 1 ? '' : 's'})` : '';
  const body: ProblemListBody = {
    message: `${outcome}: ${where}: ${first.message}${more}`,
    errors: sorted.slice(0, MAX_LISTED_PROBLEMS),
    errorCount: count,
  };
  throw new UnprocessableEntityException(body);
}
