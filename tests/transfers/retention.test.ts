import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openAuditLog, loadOrCreateSigningKey } from '../../gateway/audit/index.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { createMemoryStores } from '../../gateway/stores/memory/index.js';
import type { TransferRequest } from '../../gateway/stores/types.js';
import { DEFAULT_TRANSFERS, type TransferContext } from '../../gateway/transfers/context.js';
import { Quarantine } from '../../gateway/transfers/quarantine.js';
import { purgeQuarantine } from '../../gateway/transfers/retention.js';
import { readAuditDir } from '../helpers/gateway.js';

/** Quarantine copies go retentionDays after the decision; pending ones stay; a shared copy stays while needed. */
t.test('retention: deleted after N days, audited with the hash; pending and still-needed copies kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hic-retention-'));
  const clock = new ManualClock(Date.UTC(2026, 10, 1));
  const stores = createMemoryStores(clock);
  const keys = await loadOrCreateSigningKey(join(dir, 'audit', 'keys'));
  const log = await openAuditLog({ dir: join(dir, 'audit'), instanceId: 'retention-test', signingKey: keys.privateKey, clock });
  const audit = {
    access: (r: Record<string, unknown>) => log.access(r),
    security: (e: Record<string, unknown> & { event: string }) => log.security(e),
    securityLater: () => {},
    flush: () => log.flush(),
    close: () => log.close(),
  };
  t.teardown(() => log.close());
  const tc: TransferContext = {
    stores,
    audit,
    clock,
    settings: { ...DEFAULT_TRANSFERS, retentionDays: 30 },
    quarantine: new Quarantine(join(dir, 'q')),
    populations: new Map(),
    target: async () => null,
    scanner: null,
  };
  const shared = await tc.quarantine.put(Buffer.from('same bytes'));
  const alone = await tc.quarantine.put(Buffer.from('other bytes'));
  const base = (id: string, sha256: string, decidedAt: number | null): TransferRequest => ({
    id,
    direction: 'export',
    project: 'alpha',
    user: 'ana',
    name: `${id}.csv`,
    path: `${id}.csv`,
    purpose: 'p',
    size: 10,
    sha256,
    status: decidedAt === null ? 'pending' : 'approved',
    createdAt: clock.now(),
    maxDownloads: 3,
    validityMs: 1,
    validUntil: null,
    downloads: 0,
    revision: 0,
    ...(decidedAt === null ? {} : { decision: { outcome: 'approved' as const, by: 'rev', at: decidedAt, comment: 'ok' } }),
  });
  const day = 86_400_000;
  await stores.transfers.create(base('old', alone.sha256, clock.now()));
  await stores.transfers.create(base('oldShared', shared.sha256, clock.now()));
  await stores.transfers.create(base('pendingShared', shared.sha256, null));
  clock.advance(30 * day - 1);
  t.same(await purgeQuarantine(tc), [], 'one millisecond before the 30 days: nothing');
  clock.advance(1);
  t.same(await purgeQuarantine(tc), ['old', 'oldShared']);
  t.equal(await tc.quarantine.has(alone.sha256), false, 'the decided copy is gone');
  t.equal(await tc.quarantine.has(shared.sha256), true, 'a copy a pending request still needs stays');
  t.equal((await stores.transfers.get('old'))!.quarantineDeletedAt, clock.now());
  t.equal((await stores.transfers.get('old'))!.sha256, alone.sha256, 'the hash stays on the record');
  t.same(await purgeQuarantine(tc), [], 'idempotent');
  await log.flush();
  const deletions = readAuditDir(join(dir, 'audit')).filter((l) => l.event === 'transfer' && l.step === 'quarantine-delete');
  t.same(
    deletions.map((l) => [l.id, l.sha256, l.retentionDays]),
    [
      ['old', alone.sha256, 30],
      ['oldShared', shared.sha256, 30],
    ],
  );
});
