import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

export const IDEMPOTENT = 'relief-hub:idempotent';

/** The route records hub data and honours an `Idempotency-Key` header. */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        '1-255 characters. A repeat with the same key and body replays the first response ' +
        '(header Idempotent-Replayed: true) and changes nothing.',
    }),
  );
