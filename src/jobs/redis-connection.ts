import type { RedisOptions } from 'bullmq';

/**
 * Connection options for BullMQ. Producers fail fast (a request must not hang on Redis);
 * BullMQ gives workers' blocking connections unlimited retries by itself.
 */
export function redisOptions(redisUrl: string): RedisOptions {
  return {
    url: redisUrl,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
  };
}
