import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiOperation,
  getSchemaPath,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger';

class Shortage {
  @ApiProperty()
  sku: string;

  @ApiProperty({ type: 'integer' })
  requested: number;

  @ApiProperty({ type: 'integer' })
  available: number;
}

class RowProblem {
  @ApiPropertyOptional({ type: 'integer', description: 'CSV row, as a spreadsheet numbers it' })
  row?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Index in a JSON array' })
  index?: number;

  @ApiProperty()
  message: string;
}

/** Every failure answers in this one shape (Nest's): `{ statusCode, error, message, ...details }`. */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 409 })
  statusCode: number;

  @ApiProperty({ example: 'Conflict', description: 'The status, in words' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'What went wrong; for a malformed body or query, naming the field',
  })
  message: string | string[];

  @ApiPropertyOptional({
    type: [Shortage],
    description: '409 on a dispatch or adjustment: every item short, with what there is',
  })
  shortages?: Shortage[];

  @ApiPropertyOptional({
    type: [RowProblem],
    description: '422 on an import or readings: every bad row (the first 100)',
  })
  errors?: RowProblem[];
}

const WHEN = {
  400: 'Malformed body, query or path: a wrong type, a missing or unknown field, a bad date',
  401: 'No API key, or one that is unknown or revoked',
  403: "The key's role may not do this",
  404: 'What the path names does not exist',
  409: 'A conflict: the code or number exists, stock is short, the state forbids it, or a request with the same Idempotency-Key is still running',
  413: "The body is over its route's size limit (JSON 256 KB, 5 MB for energy readings; CSV 20 MB)",
  415: 'The body is of a media type this route does not take',
  422: 'Well-formed, but names something unknown or breaks a rule; or an Idempotency-Key re-used with another body',
  429: 'Rate limit reached: retry after the time in the RateLimit header',
  503: 'The job queue (Redis) or the database is unavailable for now: retry shortly',
} as const;

export type ErrorStatus = keyof typeof WHEN;

/** The errors a route (or every route of a controller) answers with, in the one error shape. */
export const ApiErrors = (...statuses: ErrorStatus[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: WHEN[status], type: ErrorResponse }),
    ),
  );

/** A list route's 200: a page of `item` and the cursor of the next (see PageQuery). */
export const ApiPage = (item: Type<unknown>, description: string) =>
  applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(item) } },
          nextCursor: {
            type: 'string',
            nullable: true,
            description: 'Send as `cursor` for the next page; null on the last page',
          },
        },
      },
    }),
  );

/** What a response carries per media type: a DTO class, text, or a binary file. */
export type Formats = Record<string, Type<unknown> | 'text' | 'binary'>;

/**
 * A success response, for what the compiler plugin cannot infer from the method's return type:
 * an interface, or a file in one of several media types (CSV or XLSX; JSON, Markdown, HTML).
 */
export const ApiReturns = (description: string, formats: Formats, status = 200) => {
  const models = Object.values(formats).filter((f): f is Type<unknown> => typeof f !== 'string');
  const schema = (format: Formats[string]): SchemaObject | ReferenceObject =>
    format === 'text'
      ? { type: 'string' }
      : format === 'binary'
        ? { type: 'string', format: 'binary' }
        : { $ref: getSchemaPath(format) };
  return applyDecorators(
    ApiExtraModels(...models),
    ApiResponse({
      status,
      description,
      content: Object.fromEntries(
        Object.entries(formats).map(([mediaType, format]) => [
          mediaType,
          { schema: schema(format) },
        ]),
      ),
    }),
  );
};

/** The route needs no API key: its operation says so with an empty `security`. */
export const ApiPublic = () => ApiOperation({ security: [] });
