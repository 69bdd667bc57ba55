import type { RedisClient } from './connect.js';
import type { EventBus, GatewayEvent } from '../types.js';

/** Redis pub/sub: suspension, logout and revocation reach every instance within milliseconds (SES-3). */
export class RedisEvents implements EventBus {
  private readonly handlers = new Set<(event: GatewayEvent) => void>();
  constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly channel: string,
  ) {}
  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let event: GatewayEvent;
      try {
        event = JSON.parse(message) as GatewayEvent;
      } catch {
        return;
      }
      for (const handler of this.handlers) handler(event);
    });
    await this.subscriber.subscribe(this.channel);
    // ioredis re-subscribes after a reconnect; messages sent meanwhile are lost, so caches must be dropped.
    // The first 'ready' happened before start(), so every one heard here is a reconnect. The news goes out once
    // both connections are back: handlers reload from the store through the publisher's connection, and with no
    // offline queue a reload that ran while only the subscriber was back would fail and stay failed.
    const onReconnect = () => {
      if (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return;
      for (const handler of this.handlers) handler({ type: 'resync' });
    };
    this.subscriber.on('ready', onReconnect);
    this.publisher.on('ready', onReconnect);
  }
  async publish(event: GatewayEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(event));
  }
  subscribe(handler: (event: GatewayEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}
