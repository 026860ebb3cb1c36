import { Module } from '@nestjs/common';
import { HubsModule } from '../hubs/hubs.module.js';
import { RoutesController } from './routes.controller.js';
import { RoutesService } from './routes.service.js';

@Module({
  imports: [HubsModule],
  controllers: [RoutesController],
  providers: [RoutesService],
  exports: [RoutesService],
})
export class TransportModule {}
