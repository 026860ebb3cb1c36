import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, ValidationError } from 'class-validator';
import { CODE_PATTERN } from '../common/validation/codes.js';
import { VALIDATION_OPTIONS } from '../common/validation/validation-options.js';
import type { Language, MessageKey } from './i18n.js';

/** A urlencoded form body: each field a string, or an array when the field repeats. */
export type FormBody = Record<string, string | string[] | undefined>;

/** The fields of a form; anything but an object of fields (a JSON array, a string) is a 400 page. */
function formFields(body: unknown): Record<string, unknown> {
  // No body, or one no parser read: every field is missing (and the CSRF check refuses it).
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestException('The form was not sent as a form');
  }
  return body as Record<string, unknown>;
}

/**
 * A field's one value as sent (a password is not trimmed). A field a page sends once but that
 * came twice (name=a&name=b) or not as text (a JSON body) is a 400 page, never a guess at which
 * value was meant.
 */
export function rawField(body: FormBody, name: string): string | undefined {
  const value = formFields(body)[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new BadRequestException(`The form field "${name}" must be sent once, as text`);
}

/** A field's one value, trimmed; undefined when empty. */
export function field(body: FormBody, name: string): string | undefined {
  const value = rawField(body, name)?.trim();
  return value ? value : undefined;
}

/** Every value of a field a form repeats (one per row), in order, trimmed. */
export function fields(body: FormBody, name: string): string[] {
  const raw = formFields(body)[name];
  if (raw === undefined) return [];
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (!values.every((value) => typeof value === 'string')) {
    throw new BadRequestException(`The form field "${name}" must be sent as text`);
  }
  return (values as string[]).map((value) => value.trim());
}

/** Thousands grouped with commas, as English writes them: 1,000 or 12,345,678. */
const COMMA_GROUPED = /^-?\d{1,3}(,\d{3})+$/;

/**
 * A whole number typed in a form, as the app shows numbers in any of its languages: "1000",
 * "1,000", "1 000" (a space, a no-break space or a narrow no-break space, as Russian and Uzbek
 * group). A comma in a whole number can only group thousands. Anything else stays text, for
 * the validator to refuse with one message.
 */
export function wholeNumber(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  // \s covers U+00A0 and U+202F, the spaces Intl groups Russian and Uzbek thousands with.
  const compact = value.replace(/\s/g, '');
  const plain = COMMA_GROUPED.test(compact) ? compact.replace(/,/g, '') : compact;
  return /^-?\d{1,15}$/.test(plain) ? Number(plain) : value;
}

/**
 * A decimal typed as the reader's language writes it: in English "1,234.5" (a comma followed by
 * three digits groups thousands; "2,5" is taken as 2.5, as many type it); in Russian and Uzbek
 * "1 234,5" (or with a point). Anything else stays text for the validator.
 */
export function decimal(
  value: string | undefined,
  language: Language = 'en',
): number | string | undefined {
  if (value === undefined) return undefined;
  let compact = value.replace(/\s/g, '');
  if (language === 'en' && /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(compact)) {
    compact = compact.replace(/,/g, '');
  } else {
    compact = compact.replace(',', '.');
  }
  return /^\d{1,9}(\.\d+)?$/.test(compact) ? Number(compact) : value;
}

/** One of the web app's messages, by key, with the values it names ({max}). */
export interface FieldMessage {
  key: MessageKey;
  params?: Record<string, string | number>;
}

/**
 * Field path ("lines.1.quantity") -> what to say about it: message keys (or FieldMessages),
 * worded in the reader's language by the page; one message per field from the validator.
 */
export type FieldErrors = Record<string, (string | FieldMessage)[]>;

/** Fields whose pattern has its own wording (a plate, a phone number, a time). */
const FORMAT_HINTS: Record<string, MessageKey> = {
  truckPlate: 'valid.plate',
  trailerPlate: 'valid.plate',
  driverPhone: 'valid.phone',
  dispatchedAt: 'valid.time',
  receivedAt: 'valid.time',
  deliveredAt: 'valid.time',
};

/**
 * The arguments of each validation rule on a property (`min` -> [[1]]), by the rule's name; a
 * rule used twice on one property (two `matches`) has both.
 */
function ruleArguments(target: object | undefined, property: string): Map<string, unknown[][]> {
  const out = new Map<string, unknown[][]>();
  if (!target) return out;
  const storage = getMetadataStorage();
  for (const rule of storage.getTargetValidationMetadatas(target.constructor, '', true, false)) {
    if (rule.propertyName !== property) continue;
    const name = rule.constraintCls
      ? storage.getTargetValidatorConstraints(rule.constraintCls)[0]?.name
      : rule.type;
    if (name) out.set(name, [...(out.get(name) ?? []), (rule.constraints as unknown[]) ?? []]);
  }
  return out;
}

/**
 * The one thing to tell a person about a field the validator refused, in words of the web app's
 * dictionaries (never the API's English): the most basic problem first, so "abc" in a quantity
 * is "Enter a whole number", not that and "at least 1" and "at most 1,000,000,000" besides.
 */
export function fieldMessage(error: ValidationError): FieldMessage {
  const failed = Object.keys(error.constraints ?? {});
  const has = (name: string) => failed.includes(name);
  const args = ruleArguments(error.target, error.property);
  const arg = (name: string) => args.get(name)?.[0]?.[0] as number | undefined;
  if (has('isDefined') || has('isNotEmpty')) return { key: 'valid.required' };
  if (has('isInt')) return { key: 'valid.wholeNumber', params: { example: 1000 } };
  if (has('isDecimal'))
    return { key: 'valid.decimal', params: { places: arg('isDecimal') ?? 3, example: 1234.5 } };
  if (has('isInstant') || has('isRealInstant')) return { key: 'valid.time' };
  if (has('isDay')) return { key: 'valid.day' };
  if (has('isEnum') || has('isIn')) return { key: 'valid.choose' };
  if (has('isString')) return { key: 'valid.text' };
  if (has('min') || has('max')) {
    const [min, max] = [arg('min'), arg('max')];
    if (min !== undefined && max !== undefined) return { key: 'valid.range', params: { min, max } };
    return min !== undefined
      ? { key: 'valid.min', params: { min } }
      : { key: 'valid.max', params: { max: max ?? 0 } };
  }
  if (has('maxLength')) return { key: 'valid.tooLong', params: { max: arg('maxLength') ?? 0 } };
  if (has('matches')) {
    // The pattern the value fails (a property may have two: not blank, and its form).
    const patterns = (args.get('matches') ?? []).map((a) => a[0]);
    const failing = patterns.find(
      (p) => p instanceof RegExp && !(typeof error.value === 'string' && p.test(error.value)),
    ) as RegExp | undefined;
    if (failing?.source === '\\S') return { key: 'valid.required' };
    if (failing === CODE_PATTERN) return { key: 'valid.code' };
    return { key: FORMAT_HINTS[error.property] ?? 'valid.format' };
  }
  if (has('arrayMinSize')) return { key: 'form.noLines' };
  if (has('arrayMaxSize'))
    return { key: 'valid.tooManyLines', params: { max: arg('arrayMaxSize') ?? 0 } };
  if (has('arrayUnique')) return { key: 'valid.lineTwice' };
  return { key: 'valid.invalid' };
}

/**
 * Errors of one of a page's forms, kept apart from its other forms' ("cancel.reason",
 * "delivery.lines.0...").
 */
export function formErrors(form: string, errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${form}.${k}`, v]));
}

function flatten(errors: ValidationError[], prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out[path] = [fieldMessage(error)];
    if (error.children?.length) Object.assign(out, flatten(error.children, path));
  }
  return out;
}

/**
 * Validates a form's values with the API's own DTO class and rules (the same decorators as the
 * JSON API, so the two can never disagree); returns the DTO or the errors per field.
 */
export async function validateAs<T extends object>(
  type: new () => T,
  plain: Record<string, unknown>,
): Promise<{ dto: T; errors: null } | { dto: null; errors: FieldErrors }> {
  const defined = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
  const dto = plainToInstance(type, defined);
  const errors = await validate(dto, VALIDATION_OPTIONS);
  return errors.length ? { dto: null, errors: flatten(errors) } : { dto, errors: null };
}
