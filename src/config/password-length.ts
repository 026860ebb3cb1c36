/**
 * How long a web app password may be, for users' passwords and ADMIN_PASSWORD alike. Here
 * because configuration imports no feature, and ADMIN_PASSWORD is checked at start.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
