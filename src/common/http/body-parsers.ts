import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { ModulesContainer } from '@nestjs/core';
import {
  JSON_BODY_LIMIT,
  jsonBodyLimitOf,
  jsonArrayCapsOf,
  limitedRoutes,
  measureJsonArrays,
  refuseOversizedJson,
} from './body-limits.js';

export const CSV_BODY_LIMIT = '20mb';
export const FORM_BODY_LIMIT = '1mb';

/** The API's bodies nest three deep ({ lines: [{ sku }] }); anything past this is refused. */
export const MAX_JSON_DEPTH = 8;
/**
 * Longer arrays are refused before parsing: twice the most any route takes (10,000 energy
 * readings), so that up to here a DTO's own limit refuses first, naming its field.
 */
export const MAX_JSON_ARRAY_LENGTH = 20_000;

/** A refusal body-parser passes on with its status (read.js keeps `status` and `type`). */
class BodyRefused extends Error {
  readonly status = 400;
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

const enum Byte {
  Quote = 0x22,
  Backslash = 0x5c,
  Comma = 0x2c,
  OpenArray = 0x5b,
  CloseArray = 0x5d,
  OpenObject = 0x7b,
  CloseObject = 0x7d,
  Newline = 0x0a,
  Colon = 0x3a,
}

/**
 * Measures a JSON body before it is parsed, in one pass over its bytes: nesting deeper than
 * MAX_JSON_DEPTH, or an array of more than MAX_JSON_ARRAY_LENGTH elements, is refused with 400.
 * Parsing `[` x 2,500,000 takes seconds and class-transformer runs out of stack on `[` x 5,000;
 * this pass costs a few milliseconds for the largest body allowed.
 *
 * `fields`: the most elements each array member of the body's top-level object may hold (its
 * DTO's `@ArrayMaxSize`, for a route that names its DTO: see body-limits.ts), refused here with
 * the DTO's own message rather than after parsing: 19,999 energy readings cost about 17 ms of
 * CPU to parse only to be refused for being more than 10,000.
 */
export function checkJsonShape(
  body: Buffer,
  charset: string,
  fields?: ReadonlyMap<string, number>,
): void {
  checkUtf8(body, charset, 'JSON body');
  // commas[d]: commas seen so far directly inside the array open at depth d (-1: an object);
  // caps[d]: the most commas that array may hold.
  const commas = new Int32Array(MAX_JSON_DEPTH + 1);
  const caps = new Int32Array(MAX_JSON_DEPTH + 1);
  const named = fields?.size && charset === 'utf-8' ? fields : undefined;
  // the top-level object's member being read, and the one whose array is open at depth 2
  let key: string | undefined;
  let keyStart = 0;
  let keyEnd = 0;
  let arrayName: string | undefined;
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte === Byte.Quote) {
      const start = i + 1;
      // Skip the string: a quote ends it unless escaped.
      for (i++; i < body.length && body[i] !== Byte.Quote; i++) {
        if (body[i] === Byte.Backslash) i++;
      }
      if (named && depth === 1) [keyStart, keyEnd] = [start, i];
    } else if (byte === Byte.Colon && named && depth === 1) {
      key = body.toString('utf8', keyStart, keyEnd);
    } else if (byte === Byte.OpenArray || byte === Byte.OpenObject) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new BodyRefused(
          `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`,
          'entity.too.deep',
        );
      }
      commas[depth] = byte === Byte.OpenArray ? 0 : -1;
      caps[depth] = MAX_JSON_ARRAY_LENGTH;
      const max = depth === 2 && commas[1] === -1 && key !== undefined && named?.get(key);
      if (byte === Byte.OpenArray && max && max < MAX_JSON_ARRAY_LENGTH) {
        caps[depth] = max;
        arrayName = key;
      }
    } else if (byte === Byte.CloseArray || byte === Byte.CloseObject) {
      // More closed than opened: not JSON, as the parser will say.
      if (--depth < 0) return;
    } else if (byte === Byte.Comma && depth > 0 && commas[depth] >= 0) {
      if (++commas[depth] >= caps[depth]) {
        throw new BodyRefused(
          caps[depth] < MAX_JSON_ARRAY_LENGTH
            ? `${arrayName} must contain no more than ${caps[depth]} elements`
            : `An array in the JSON body has more than ${MAX_JSON_ARRAY_LENGTH} elements`,
          'entity.array.too.long',
        );
      }
    }
  }
}

/**
 * Bytes that are not UTF-8 where the body says it is would be read as U+FFFD and stored so,
 * silently changed: refused instead. (Another charset the client names is decoded as such.)
 */
function checkUtf8(body: Buffer, charset: string, what: string): void {
  if (charset === 'utf-8' && !isUtf8(body)) {
    throw new BodyRefused(
      `The ${what} is not valid UTF-8; send it in UTF-8, or name its charset in the Content-Type`,
      'entity.encoding',
    );
  }
}

/**
 * A CSV body cannot carry a NUL character into PostgreSQL: refused before any parser reads it,
 * naming its line; nor bytes that are not the UTF-8 it claims.
 */
export function checkCsvText(body: Buffer, charset: string): void {
  checkUtf8(body, charset, 'CSV');
  let line: number | null;
  if (/^utf-(16|32)/.test(charset)) {
    // Characters of two or four bytes hold zero bytes that are no NUL: look at the characters.
    let text: string;
    try {
      text = new TextDecoder(charset).decode(body);
    } catch {
      return; // a charset only the parser decodes (UTF-32)
    }
    line = lineOf(text.indexOf('\u0000'), (from) => text.indexOf('\n', from));
  } else {
    // UTF-8 and the other ASCII-compatible charsets write NUL, and only NUL, as a zero byte.
    line = lineOf(body.indexOf(0), (from) => body.indexOf(Byte.Newline, from));
  }
  if (line !== null) {
    throw new BodyRefused(
      `The CSV has a NUL character on line ${line}; remove it and send the file again`,
      'entity.nul',
    );
  }
}

/** The line (from 1) of position `at`, or null when `at` is -1. */
function lineOf(at: number, nextNewline: (from: number) => number): number | null {
  if (at < 0) return null;
  let line = 1;
  for (let i = nextNewline(0); i >= 0 && i < at; i = nextNewline(i + 1)) line++;
  return line;
}

/** Whether a request carries a body (type-is's hasBody, but a Content-Length of 0 is none). */
function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (!!length && length !== '0');
}

/**
 * The API reads JSON, and CSV on the routes that import it (a route taking a DTO refuses CSV
 * in ApiValidationPipe): any other body is 415, where it used to be read as no body at all.
 */
function apiBodiesOnly(request: Request, _response: Response, next: NextFunction): void {
  if (hasBody(request) && !request.is(['application/json', 'text/csv'])) {
    next(
      new UnsupportedMediaTypeException(
        `Send the body as application/json or as text/csv (where a route imports CSV), not ${request.headers['content-type'] || 'without a Content-Type'}`,
      ),
    );
    return;
  }
  next();
}

/**
 * The body parsers of the HTTP app: JSON (up to its route's limit, see body-limits.ts; measured
 * before it is parsed), CSV as text (no NUL), the web app's urlencoded forms; then the API's
 * refusal of any other body.
 */
export function useBodyParsers(app: NestExpressApplication, apiPrefix: string): void {
  // Nest leaves `verify` out of its option types (it sets its own for `rawBody`, which this app
  // does not use) but hands the options to body-parser as they are.
  const verifying = (check: (body: Buffer, charset: string) => void) => ({
    verify: (_request: IncomingMessage, _response: unknown, body: Buffer, charset: string) =>
      check(body, charset.toLowerCase()),
  });
  // A JSON body over its route's limit is refused from its Content-Length, unread; else one
  // parser per limit reads it, each taking the requests of its routes, and stops at the limit.
  const routes = limitedRoutes(app.get(ModulesContainer), apiPrefix);
  app.use(refuseOversizedJson(routes));
  for (const limit of new Set([JSON_BODY_LIMIT, ...routes.map((route) => route.limit)])) {
    app.useBodyParser('json', {
      limit,
      // Express's request, as every middleware of the app gets it
      type: (message: IncomingMessage) => {
        const request = message as Request;
        return !!request.is('application/json') && jsonBodyLimitOf(routes, request) === limit;
      },
      ...{
        // the count of the arrays its route's DTO names (see verifying)
        verify: (message: IncomingMessage, _response: unknown, body: Buffer, charset: string) =>
          checkJsonShape(body, charset.toLowerCase(), jsonArrayCapsOf(routes, message as Request)),
      },
    });
  }
  app.use(measureJsonArrays(routes));
  app.useBodyParser('text', {
    type: 'text/csv',
    limit: CSV_BODY_LIMIT,
    ...verifying(checkCsvText),
  });
  // The web app's forms; the API refuses such a body (415) like any but JSON and CSV.
  app.useBodyParser('urlencoded', { extended: false, limit: FORM_BODY_LIMIT });
  app.use(`/${apiPrefix}`, apiBodiesOnly);
}
