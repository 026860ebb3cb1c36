import { Injectable } from '@nestjs/common';

/** The time, injectable so tests can make it "next Monday 06:00" now. */
@Injectable()
export class Clock {
  private fixed?: Date;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  /** Tests only: stop the clock at this instant (undefined lets it run again). */
  set(instant: Date | undefined): void {
    this.fixed = instant;
  }
}
