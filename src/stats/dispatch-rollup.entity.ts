import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { numericTransformer } from '../database/transformers.js';

/**
 * What a group of trucks adds up to, the same at both grains (a day, a month): the folds and the
 * rebuild write these columns, the statistics read them.
 */
abstract class TruckFigures {
  @Column({ type: 'integer', transformer: numericTransformer })
  trucks: number;

  /** Tonnage: the weighbridge figure where given, else the lines' weight. */
  @Column({ type: 'numeric', precision: 24, scale: 6 })
  tonnageKg: string;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  volumeM3: string;

  /** Transport emissions of these trucks (each dispatch's own figures, src/common/emissions.ts). */
  @Column({ type: 'numeric', precision: 24, scale: 6, default: 0 })
  tonneKm: string;

  @Column({ type: 'numeric', precision: 24, scale: 6, default: 0 })
  co2eKg: string;

  /** Trucks whose emissions are fuel-based, and tonne-km based; the rest have no distance. */
  @Column({ type: 'integer', default: 0, transformer: numericTransformer })
  fuelTrucks: number;

  @Column({ type: 'integer', default: 0, transformer: numericTransformer })
  defaultTrucks: number;

  /** Households equipped: kits carried by those trucks. */
  @Column({ type: 'bigint', default: 0, transformer: numericTransformer })
  households: number;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  firstDispatchAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastDispatchAt: Date | null;
}

/**
 * Dispatches folded per hub, day (hub time), destination and emergency ('' for none). Only the
 * stats worker writes here: incrementally from outbox events, or whole in a rebuild.
 */
@Entity()
@Index(['hubId', 'day'])
export class DispatchRollup extends TruckFigures {
  @PrimaryColumn()
  hubId: number;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @PrimaryColumn()
  destinationId: number;

  @PrimaryColumn({ length: 200 })
  emergency: string;
}

/** The lines of those dispatches, per item. */
@Entity()
@Index(['hubId', 'day'])
export class DispatchItemRollup {
  @PrimaryColumn()
  hubId: number;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @PrimaryColumn()
  destinationId: number;

  @PrimaryColumn({ length: 200 })
  emergency: string;

  @PrimaryColumn()
  itemId: number;

  @Column({ type: 'bigint', transformer: numericTransformer })
  quantity: number;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  weightKg: string;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  volumeM3: string;
}

/**
 * The same figures per calendar month (hub time; `month` is its first day), kept in the same
 * transactions as the daily rows: a cumulative figure over years sums a few hundred monthly rows
 * and the days of one month at each end, instead of every day since the first truck.
 */
@Entity()
export class DispatchMonthRollup extends TruckFigures {
  @PrimaryColumn()
  hubId: number;

  @PrimaryColumn({ type: 'date' })
  month: string;

  @PrimaryColumn()
  destinationId: number;

  @PrimaryColumn({ length: 200 })
  emergency: string;
}

/**
 * The lines per month and item, across destinations: statistics total items over the whole hub,
 * and leaving destinations out makes a year of these 120 rows per emergency instead of 960.
 */
@Entity()
export class DispatchItemMonthRollup {
  @PrimaryColumn()
  hubId: number;

  @PrimaryColumn({ type: 'date' })
  month: string;

  @PrimaryColumn({ length: 200 })
  emergency: string;

  @PrimaryColumn()
  itemId: number;

  @Column({ type: 'bigint', transformer: numericTransformer })
  quantity: number;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  weightKg: string;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  volumeM3: string;
}
