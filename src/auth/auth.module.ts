import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller.js';
import { UserHub } from './user-hub.entity.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserHub])],
  controllers: [UsersController, AuditController],
  providers: [UsersService],
  exports: [UsersService],
})
export class AuthModule {}
