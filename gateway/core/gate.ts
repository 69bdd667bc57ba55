/**
 * At most `limit` tasks at once; the others wait in arrival order. For work that takes CPU away from the event
 * loop on other threads (argon2 on libuv's pool): bounding it keeps the event loop's share of the cores.
 */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `task` when a slot is free. Never nest run() calls on one gate: with a limit of 1 that deadlocks. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
