import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  UnsupportedMediaTypeException,
  ValidationPipe,
} from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { cacheValidationMetadata } from './metadata-cache.js';
import { VALIDATION_OPTIONS } from './validation-options.js';

/** The arrays of a DTO class: how long each may be, and whether its elements are DTOs. */
interface ArrayFields {
  maxLength: Map<string, number>;
  /** `@ValidateNested({ each: true })`: every element must be an object. */
  ofObjects: Set<string>;
}

const arrayFieldsOf = new WeakMap<object, ArrayFields>();

function arrayFields(type: new (...args: never[]) => unknown): ArrayFields {
  let fields = arrayFieldsOf.get(type);
  if (fields) return fields;
  fields = { maxLength: new Map(), ofObjects: new Set() };
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(type, '', false, false)) {
    if (rule.name === 'arrayMaxSize') {
      fields.maxLength.set(rule.propertyName, Number(rule.constraints[0]));
    } else if (rule.type === 'nestedValidation' && rule.each) {
      fields.ofObjects.add(rule.propertyName);
    }
  }
  arrayFieldsOf.set(type, fields);
  return fields;
}

/** The most elements each array of a DTO may hold, by field (`@ArrayMaxSize`). */
export function arrayMaxLengths(
  type: new (...args: never[]) => unknown,
): ReadonlyMap<string, number> {
  return arrayFields(type).maxLength;
}

/**
 * Refuses a body whose arrays are longer than its DTO allows, or hold something other than
 * objects where the DTO expects objects, before class-transformer builds an instance for every
 * element: 100,000 dispatch lines cost seconds of CPU to transform and validate only to be
 * refused for being more than 100, and `lines: [[{...}]]` passed validation as an array of one.
 */
export function refuseMisshapenArrays(
  type: new (...args: never[]) => unknown,
  value: unknown,
): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const { maxLength, ofObjects } = arrayFields(type);
  for (const [field, max] of maxLength) {
    const array = (value as Record<string, unknown>)[field];
    if (Array.isArray(array) && array.length > max) {
      throw new BadRequestException([`${field} must contain no more than ${max} elements`]);
    }
  }
  for (const field of ofObjects) {
    const array = (value as Record<string, unknown>)[field];
    if (!Array.isArray(array)) continue;
    const index = array.findIndex((e) => e === null || typeof e !== 'object' || Array.isArray(e));
    if (index >= 0) throw new BadRequestException([`${field}.${index} must be an object`]);
  }
}

/**
 * The API's ValidationPipe (VALIDATION_OPTIONS), with two checks before it transforms a DTO:
 * a body read as text (text/csv) on a route that takes a JSON DTO is 415, and arrays are
 * measured first (refuseMisshapenArrays). class-validator's rules by class are cached
 * (cacheValidationMetadata) once a pipe exists, for the web app's forms as well.
 */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super(VALIDATION_OPTIONS);
    cacheValidationMetadata();
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (metatype && this.toValidate(metadata)) {
      if (metadata.type === 'body' && typeof value === 'string') {
        throw new UnsupportedMediaTypeException('Send this body as Content-Type: application/json');
      }
      refuseMisshapenArrays(metatype as new () => unknown, value);
    }
    return super.transform(value, metadata);
  }
}
