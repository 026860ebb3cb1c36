import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { VALIDATION_OPTIONS } from '../common/validation/validation-options.js';

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

/** A whole number typed in a form, as a number; anything else stays text for the validator. */
export function wholeNumber(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const compact = value.replace(/[\s\u00a0]/g, '');
  return /^-?\d{1,15}$/.test(compact) ? Number(compact) : value;
}

/** A decimal typed with a point or a comma (ru), as a number; anything else stays text. */
export function decimal(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const compact = value.replace(/[\s\u00a0]/g, '').replace(',', '.');
  return /^\d{1,9}(\.\d+)?$/.test(compact) ? Number(compact) : value;
}

/** Field path ("lines.1.quantity") -> the validator's messages. */
export type FieldErrors = Record<string, string[]>;

function flatten(errors: ValidationError[], prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out[path] = Object.values(error.constraints);
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
