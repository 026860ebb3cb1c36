import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { User } from '../auth/user.entity.js';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { Idempotent } from '../common/idempotency/idempotent.decorator.js';
import { Page } from '../common/pagination/page.js';
import { CreateReceiptDto } from './dto/stock.dto.js';
import { HubPageQuery } from '../hubs/dto/hub-query.dto.js';
import { ReceiptResponse } from './dto/stock-response.dto.js';
import { ReceiptsService } from './receipts.service.js';
import { ApiErrors, ApiPage } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('stock')
@ApiBearerAuth()
@Can('hub.read')
@Controller('receipts')
export class ReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  /** Goods received: each line adds to on-hand with a RECEIPT movement. */
  @ApiErrors(400, 403, 409, 422)
  @Post()
  @Can('stock.record')
  @Idempotent()
  create(@Body() dto: CreateReceiptDto, @CurrentUser() user: User): Promise<ReceiptResponse> {
    return this.receipts.create(dto, user);
  }

  /** Receipts of the hub, newest first. */
  @ApiPage(ReceiptResponse, 'A page of receipts')
  @ApiErrors(400, 422)
  @Get()
  list(@Query() query: HubPageQuery, @CurrentUser() user: User): Promise<Page<ReceiptResponse>> {
    return this.receipts.list(query.hub, query, user);
  }

  /** One receipt with its lines. */
  @ApiErrors(400, 404)
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: User): Promise<ReceiptResponse> {
    return this.receipts.get(id, user);
  }
}
