import type { AccessRecord } from '../audit/access-record.js';
import type { SecurityEvent } from '../audit/security-events.js';

/**
 * What the gateway needs from the audit log. Access records are queued (the hot path never waits on disk);
 * security events are written durably before the caller goes on (LOG-1, LOG-6).
 */
export interface AuditPort {
  access(record: AccessRecord): void;
  security(event: SecurityEvent): Promise<void>;
  /** A security event noticed on the hot path: durable, but the request does not wait for it. */
  securityLater(event: SecurityEvent): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
