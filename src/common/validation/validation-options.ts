import { ValidationPipeOptions } from '@nestjs/common';

/**
 * How every request body and query is validated: unknown fields are 400, never silently dropped.
 * Shared by the global pipe and by routes that validate a body themselves (JSON or CSV).
 */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
};
