import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/auth.decorators.js';
import { Page, PageQuery } from '../common/pagination/page.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { mapUser, mapUserWithKey, UserResponse, UserWithKeyResponse } from './dto/user.response.js';
import { Role } from './role.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles(Role.Admin)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  async create(@Body() dto: CreateUserDto): Promise<UserWithKeyResponse> {
    const { user, apiKey } = await this.users.create(dto);
    return mapUserWithKey(user, apiKey);
  }

  @Get()
  async list(@Query() page: PageQuery): Promise<Page<UserResponse>> {
    const { items, nextCursor } = await this.users.list(page);
    return { items: items.map(mapUser), nextCursor };
  }

  @Post(':id/rotate-key')
  @HttpCode(200)
  async rotateKey(@Param('id', ParseUUIDPipe) id: string): Promise<UserWithKeyResponse> {
    const { user, apiKey } = await this.users.rotateKey(id);
    return mapUserWithKey(user, apiKey);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.revoke(id);
  }
}
