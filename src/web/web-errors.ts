import { HttpException, HttpStatus } from '@nestjs/common';

/** No session on a page: the filter sends the browser to sign in, then back. */
export class SignInRequired extends HttpException {
  constructor(readonly returnTo: string) {
    super('Sign in first', HttpStatus.UNAUTHORIZED);
  }
}

/** The cookie named a session that is over; the page says so (never a bare redirect or a 500). */
export class SessionEnded extends HttpException {
  constructor() {
    super('Your session has ended', HttpStatus.UNAUTHORIZED);
  }
}

/** A form without this session's CSRF token, or with another one. */
export class CsrfRejected extends HttpException {
  constructor() {
    super('The form was not sent from this session', HttpStatus.FORBIDDEN);
  }
}
