import type { RedisOptions } from 'bullmq';

/**
 * Connection options for BullMQ: workers need unlimited retries per request (they must ride out
 * a Redis restart); producers fail fast through JobsService's own timeout instead.
 */
export function redisOptions(redisUrl: string): RedisOptions {
  return {
    url: redisUrl,
    maxRetriesPerRequest: null,
    connectTimeout: 2000,
  };
}
