import { join } from 'node:path';
import { loadOrCreateSigningKey, openAuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/types.js';
import type { AuditPort } from '../core/audit-port.js';
import type { Clock } from '../core/clock.js';

/** Opens the hash-chained audit log of this instance and adapts it to what the gateway calls. */
export async function openGatewayAudit(config: GatewayConfig, clock: Clock, instanceId: string): Promise<AuditPort> {
  const keys = await loadOrCreateSigningKey(join(config.audit.dir, 'keys'));
  const log = await openAuditLog({ dir: config.audit.dir, instanceId, signingKey: keys.privateKey, clock });
  return {
    access: (record) => log.access(record),
    security: (event) => log.security(event),
    securityLater: (event) => {
      log.security(event).catch((err: unknown) => process.emitWarning(`hic: audit write failed: ${String(err)}`));
    },
    flush: () => log.flush(),
    close: () => log.close(),
  };
}
