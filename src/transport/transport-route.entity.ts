import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Destination } from '../catalogue/destination.entity.js';
import { Hub } from '../hubs/hub.entity.js';

/**
 * The road from a hub to a destination's usual delivery point: the distance a dispatch takes
 * when it gives none. A change applies to dispatches recorded after it (each keeps its own).
 */
@Entity()
export class TransportRoute {
  @PrimaryColumn()
  hubId: number;

  @ManyToOne(() => Hub, { onDelete: 'RESTRICT' })
  @JoinColumn()
  hub: Hub;

  @PrimaryColumn()
  destinationId: number;

  @ManyToOne(() => Destination, { onDelete: 'RESTRICT' })
  @JoinColumn()
  destination: Destination;

  /** Road distance, km; numeric, read as a string. */
  @Column({ type: 'numeric', precision: 9, scale: 3 })
  distanceKm: string;

  /** Where the figure comes from: "estimate: ...", "carrier's records", ... */
  @Column({ type: 'varchar', length: 200, nullable: true })
  basis: string | null;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
