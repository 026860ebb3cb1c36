import { Get, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Can } from '../auth/auth.decorators.js';
import { QUEUE_BOARD_PATH } from './queue-board.guard.js';
import { WebController } from './web-session.guard.js';
import { cookieOptions, readCookie, SESSION_COOKIE } from './web-request.js';
import type { WebRequest } from './web-request.js';

@WebController('admin')
export class QueueBoardPageController {
  /**
   * The web session's cookie is scoped to /app; this gives an admin's browser the same session
   * for the dashboard's path too (ended with it: sign-out or expiry ends both), then opens it.
   */
  @Get('queues')
  @Can('ops.read')
  open(@Req() request: WebRequest, @Res() response: Response): void {
    const token = readCookie(request, SESSION_COOKIE)!;
    response.cookie(SESSION_COOKIE, token, { ...cookieOptions(request), path: QUEUE_BOARD_PATH });
    response.redirect(303, QUEUE_BOARD_PATH);
  }
}
