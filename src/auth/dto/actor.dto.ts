import type { User } from '../user.entity.js';

/** Who recorded something, as responses name them. */
export class Actor {
  id: string;
  name: string;
}

export const mapActor = (user: Pick<User, 'id' | 'name'>): Actor => ({
  id: user.id,
  name: user.name,
});
