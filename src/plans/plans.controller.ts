import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Can } from '../auth/auth.decorators.js';
import { ApiErrors } from '../common/openapi/api-responses.js';
import { LoadPlanResponse, PlanLoadDto } from './dto/load-plan.dto.js';
import { PlansService } from './plans.service.js';

@ApiErrors(401, 429)
@ApiTags('plans')
@ApiBearerAuth()
@Controller('plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  /**
   * How many trucks (a standard semi-trailer, or the truck given) carry these items and kits,
   * and what goes on each: whole units, first-fit decreasing by their binding dimension. Records
   * nothing.
   */
  @ApiErrors(400, 422)
  @Post('load')
  @HttpCode(200)
  @Can('plan.load')
  load(@Body() dto: PlanLoadDto): Promise<LoadPlanResponse> {
    return this.plans.plan(dto.lines, dto.truck);
  }
}
