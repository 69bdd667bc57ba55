import { cliTimeZone } from '../core/local-time.js';
import { UsageError } from './command.js';

/** The CLI's zone (HIC_TIMEZONE, default Asia/Tokyo); a bad HIC_TIMEZONE is a usage error naming it. */
export function zoneOrUsage(): string {
  try {
    return cliTimeZone();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
