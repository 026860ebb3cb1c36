// The data source the TypeORM CLI uses (npm run migration:generate / run / revert).
import { DataSource } from 'typeorm';
import { validateEnvironment } from './config/environment.js';
import { migratingDataSourceOptions } from './database/database.options.js';
import { ENTITIES } from './entities.js';

export default new DataSource(
  await migratingDataSourceOptions(validateEnvironment(process.env).DATABASE_URL, ENTITIES),
);
