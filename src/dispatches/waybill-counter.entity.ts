import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Last generated waybill number per hub and year of dispatch (hub time). */
@Entity()
export class WaybillCounter {
  @PrimaryColumn()
  hubId: number;

  @PrimaryColumn({ type: 'smallint' })
  year: number;

  @Column({ type: 'integer' })
  lastValue: number;
}
