import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A hub a user belongs to (SPEC "Hubs a user may act at"). A warehouse user has at least one; a
 * coordinator with none is global; an admin's are ignored (admins act everywhere).
 *
 * The hub is referenced by its code, which no route changes, so loading a user's hubs is one join
 * and never a second lookup. The relation names the Hub entity by name: auth/ sits below hubs/
 * (hubs/ imports auth/), so it cannot import the class; User is named likewise, to keep the two
 * files from importing each other.
 */
@Entity()
export class UserHub {
  @PrimaryColumn('uuid')
  userId: string;

  @PrimaryColumn({ length: 64 })
  hubCode: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn()
  user?: object;

  @ManyToOne('Hub', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'hub_code', referencedColumnName: 'code' })
  hub?: object;
}
