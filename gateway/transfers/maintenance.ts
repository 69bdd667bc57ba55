import type { TransferContext } from './context.js';
import { rescanPending } from './imports.js';
import { purgeQuarantine } from './retention.js';

const EVERY_MS = 10 * 60_000;

/**
 * Background upkeep on each gateway: imports still waiting for the scanner are retried, and quarantine copies past
 * their retention are deleted. Safe on many instances at once (each change is a compare-and-set). Returns a stop
 * function. Failures wait for the next round (a store outage must not crash the gateway).
 */
export function startTransferMaintenance(tc: () => TransferContext): () => void {
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      await rescanPending(tc());
      await purgeQuarantine(tc());
    } catch {
      // next round
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void round(), EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
