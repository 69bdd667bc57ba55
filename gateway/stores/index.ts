import type { GatewayConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { createMemoryStores } from './memory/index.js';
import { createRedisStores } from './redis/index.js';
import type { Stores } from './types.js';

export type * from './types.js';

/** Opens the configured store: Redis in production, memory for the embedded demo. */
export async function openStores(config: GatewayConfig['store'], clock: Clock, hooks: { onError?: () => void } = {}): Promise<Stores> {
  if (config.kind === 'redis') return createRedisStores({ url: config.url!, prefix: config.prefix, ...hooks });
  return createMemoryStores(clock);
}
