import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, Entities } from './database.options.js';
import { ChangeNotifications } from './change-notifications.js';
import { TransactionRunner } from './transaction.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(databaseUrl: string, entities: Entities, poolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(databaseUrl, entities, poolSize))],
      providers: [TransactionRunner, ChangeNotifications],
      exports: [TransactionRunner, ChangeNotifications],
    };
  }
}
