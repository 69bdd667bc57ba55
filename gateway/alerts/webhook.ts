/** Options of {@link WebhookSink}. */
export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  /** Attempts per alert, the first included. */
  attempts: number;
  /** Pause before each retry (the last value repeats). Default 1 s, 4 s, 16 s; tests pass zeros. */
  retryDelaysMs?: readonly number[];
  /** Alerts waiting beyond this are dropped (oldest first) and counted. Default 1000. */
  maxQueued?: number;
  onError?: (err: unknown) => void;
}

/**
 * Posts each alert as JSON to a webhook (LOG-4), one at a time and in order, with bounded retries: a network
 * error, a timeout, 408, 429 or 5xx is retried up to `attempts` times; another status is final. The caller only
 * enqueues — no request ever waits for the webhook — and the queue is bounded, so a dead receiver costs memory
 * for at most `maxQueued` alerts. The audit log keeps every alert regardless.
 */
export class WebhookSink {
  private readonly queue: Record<string, unknown>[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly delays: readonly number[];
  private readonly maxQueued: number;
  private readonly onError: (err: unknown) => void;
  /** Alerts given up on (dropped from a full queue or out of attempts). */
  failed = 0;

  constructor(private readonly opts: WebhookOptions) {
    this.delays = opts.retryDelaysMs ?? [1_000, 4_000, 16_000];
    this.maxQueued = opts.maxQueued ?? 1_000;
    this.onError = opts.onError ?? ((err) => process.emitWarning(`hic: alert webhook: ${String(err)}`));
  }

  enqueue(alert: Record<string, unknown>): void {
    if (this.closed) return;
    this.queue.push(alert);
    if (this.queue.length > this.maxQueued) {
      this.queue.shift();
      this.failed += 1;
      this.onError(new Error('alert queue full: the oldest alert was not sent (it is in the audit log)'));
    }
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Settles when every queued alert was delivered or given up. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops accepting alerts and waits for the queue (each attempt is bounded by `timeoutMs`). */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let alert = this.queue.shift(); alert; alert = this.queue.shift()) {
      if (!(await this.deliver(alert))) this.failed += 1;
    }
  }

  private async deliver(alert: Record<string, unknown>): Promise<boolean> {
    const body = JSON.stringify(alert);
    for (let attempt = 1; attempt <= this.opts.attempts; attempt++) {
      let retry = true;
      try {
        const res = await fetch(this.opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'hic-gateway-alerts' },
          body,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) return true;
        retry = res.status === 408 || res.status === 429 || res.status >= 500;
        if (!retry || attempt === this.opts.attempts)
          this.onError(new Error(`webhook answered ${res.status} for alert ${String(alert['type'])}`));
      } catch (err) {
        if (attempt === this.opts.attempts) this.onError(err);
      }
      if (!retry || attempt === this.opts.attempts) return false;
      const delay = this.delays[Math.min(attempt - 1, this.delays.length - 1)] ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
    return false;
  }
}
