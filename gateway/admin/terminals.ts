import type { Clock } from '../core/clock.js';
import type { Stores, Terminal } from '../stores/types.js';

export interface TerminalRegistration {
  id: string;
  site: string;
  projects: string[];
  fingerprint: string;
  serial: string;
  notAfter: Date;
  requestedBy: string;
}

/** Records a terminal and its current certificate in the register (利用端末管理簿, HIC GL 第5-1). */
export async function registerTerminal(stores: Stores, clock: Clock, reg: TerminalRegistration): Promise<Terminal> {
  const existing = await stores.terminals.get(reg.id);
  const terminal: Terminal = {
    id: reg.id,
    site: reg.site,
    projects: reg.projects,
    fingerprint: reg.fingerprint,
    serial: reg.serial,
    notAfter: reg.notAfter.getTime(),
    status: 'active',
    requestedBy: reg.requestedBy,
    registeredAt: existing?.registeredAt ?? clock.now(),
  };
  await stores.terminals.put(terminal);
  return terminal;
}
