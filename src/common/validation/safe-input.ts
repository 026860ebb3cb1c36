import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { refuseMisshapenArrays } from './validation.pipe.js';

/**
 * Keys no DTO has and that JavaScript treats specially: class-transformer would assign them to
 * the prototype rather than as a property, where the whitelist never sees them.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A UTF-16 surrogate without its other half (String.prototype.isWellFormed is ES2024). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any body the parsers let through (see body-parsers.ts): stop rather than recurse. */
const MAX_DEPTH = 64;

/** What is wrong with a text value, or null. */
export function textProblem(text: string): string | null {
  // PostgreSQL's text cannot hold U+0000 (it fails the whole statement with a 500-class error).
  if (text.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  // A lone surrogate (JSON "\ud800") would be stored as U+FFFD, silently changed.
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode text';
  return null;
}

/**
 * The first value of a request's input (a body, a query, a path parameter) that no route can
 * store, as the message naming it: text with a NUL character or a lone surrogate, or a key such
 * as `__proto__`. `path` names the value ("lines.0.sku"); empty for a whole body.
 */
export function unsafeInput(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem && `${path || 'the body'} ${problem}`;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return `${path || 'the body'} is nested too deeply`;
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = unsafeInput(value[i], at(i), depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `property ${at(key)} should not exist`;
    const keyProblem = textProblem(key);
    if (keyProblem) return `the name of property ${at(JSON.stringify(key))} ${keyProblem}`;
    const problem = unsafeInput((value as Record<string, unknown>)[key], at(key), depth + 1);
    if (problem) return problem;
  }
  return null;
}

/**
 * The first of the global pipes: every body, query and path parameter of every route (API and
 * web forms) is refused with 400 naming the field before any validation or service reads it.
 * A DTO's arrays are measured first (refuseMisshapenArrays): walking the 20,000 lines the body
 * parser lets through took 20-50 ms, only for the body to be refused for more than 100.
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  transform(value: unknown, { type, data, metatype }: ArgumentMetadata): unknown {
    if (type !== 'body' && type !== 'query' && type !== 'param') return value;
    if (metatype) refuseMisshapenArrays(metatype as new () => unknown, value);
    const problem = unsafeInput(value, data ?? '');
    if (problem) throw new BadRequestException([problem]);
    return value;
  }
}
