/** Redis did not take a job in time: the HTTP layer answers 503 rather than hang. */
export class QueueUnavailableError extends Error {}
