import {
  BadRequestException,
  Injectable,
  PipeTransform,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { microToString, toMicro } from '../common/decimal.js';
import { ApiValidationPipe } from '../common/validation/validation.pipe.js';
import { RecordReadingsDto } from './dto/readings.dto.js';
import { ReceivedReadings } from './reading-rules.js';
import { parseReadingsCsv } from './readings-csv.js';

const validation = new ApiValidationPipe();
const amount = (value: number | undefined | null) =>
  value === undefined || value === null ? null : microToString(toMicro(value));

/**
 * Readings from either body the route takes: JSON, validated as RecordReadingsDto like every
 * other body, or a CSV (text/csv, already read as a string by the app's text parser).
 */
@Injectable()
export class ReadingsBodyPipe implements PipeTransform<unknown, Promise<ReceivedReadings>> {
  async transform(body: unknown): Promise<ReceivedReadings> {
    if (typeof body === 'string') return parseReadingsCsv(body);
    if (body === undefined) {
      throw new UnsupportedMediaTypeException(
        'Send readings as application/json or as text/csv with a header row',
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new BadRequestException('The body must be a JSON object { system, readings }');
    }
    const dto = (await validation.transform(body, {
      type: 'body',
      metatype: RecordReadingsDto,
    })) as RecordReadingsDto;
    const readings = dto.readings.map((reading, index) => ({
      source: { index },
      system: dto.system,
      start: reading.start,
      end: reading.end,
      generatedKwh: amount(reading.generatedKwh)!,
      consumedKwh: amount(reading.consumedKwh),
      gridImportKwh: amount(reading.gridImportKwh),
      exportedKwh: amount(reading.exportedKwh),
      irradiationKwhM2: amount(reading.irradiationKwhM2),
    }));
    return { readings, problems: [] };
  }
}
