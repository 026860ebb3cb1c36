import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can, CurrentUser } from './auth.decorators.js';
import { Page, PageQuery } from '../common/pagination/page.js';
import { CreateUserDto, SetPasswordDto, UpdateUserDto } from './dto/create-user.dto.js';
import {
  CurrentUserResponse,
  mapCurrentUser,
  mapUser,
  mapUserWithKey,
  UserResponse,
  UserWithKeyResponse,
} from './dto/user-response.dto.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('users')
@ApiBearerAuth()
@Can('users.manage')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /**
   * A user with a new API key (shown once), the hubs they act at and, for the web app, an
   * optional password.
   */
  @ApiErrors(400, 403, 409, 422)
  @Post()
  async create(@Body() dto: CreateUserDto): Promise<UserWithKeyResponse> {
    const { user, apiKey } = await this.users.create(dto);
    return mapUserWithKey(user, apiKey);
  }

  /** Users, newest first, without their keys. */
  @ApiPage(UserResponse, 'A page of users')
  @ApiErrors(400, 403)
  @Get()
  async list(@Query() page: PageQuery): Promise<Page<UserResponse>> {
    const { items, nextCursor } = await this.users.list(page);
    return { items: items.map(mapUser), nextCursor };
  }

  /** The caller: the user whose API key signed the request. */
  @Get('me')
  @Can('account.read')
  me(@CurrentUser() user: User): CurrentUserResponse {
    return mapCurrentUser(user);
  }

  /**
   * Changes a user's role or hubs (`hubs` replaces the list); effective from their next request.
   */
  @ApiErrors(400, 403, 404, 409, 422)
  @Patch(':id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponse> {
    const { user } = await this.users.update(id, dto);
    return mapUser(user);
  }

  /** A new API key for the user (shown once); the old one stops working at once. */
  @ApiErrors(400, 403, 404, 409)
  @Post(':id/rotate-key')
  @HttpCode(200)
  async rotateKey(@Param('id', ParseUUIDPipe) id: string): Promise<UserWithKeyResponse> {
    const { user, apiKey } = await this.users.rotateKey(id);
    return mapUserWithKey(user, apiKey);
  }

  /** The web app password: an admin sets anyone's, any user their own. Ends their web sessions. */
  @ApiErrors(400, 403, 404, 409)
  @Post(':id/password')
  @HttpCode(204)
  @Can('account.password')
  async setPassword(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SetPasswordDto,
    @CurrentUser() actor: User,
  ): Promise<void> {
    await this.users.setPassword(id, dto.password, actor);
  }

  /** Revokes the user's key at once; never the last active admin (422). */
  @ApiErrors(400, 403, 404, 422)
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.revoke(id);
  }
}
