import { User } from '../auth/user.entity.js';
import { Destination } from '../catalogue/destination.entity.js';
import { Item } from '../catalogue/item.entity.js';
import { Hub } from '../hubs/hub.entity.js';

/** Every entity, listed once for the app module and the migration CLI alike. */
export const ENTITIES = [Hub, Item, Destination, User];
