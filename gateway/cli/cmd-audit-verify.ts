import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { verifyAuditDir, type VerifyResult } from '../audit/index.js';
import { type Command, output } from './command.js';
import { auditDirOf, recordRead, withAuditContext } from './audit-cli.js';
import { cliStoreConfig } from './context.js';

/** `hic audit verify`: every chain and checkpoint, plus the checkpoints published to Redis (LOG-3). */
export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: 'Verifies the audit log: hash chains, signed checkpoints, checkpoints published to Redis. Exit 1 on any finding.',
  usage: `usage: hic audit verify [DIR] [--key PUBLIC.pem] [--offline] [--json]
  DIR        the audit directory (default: HIC_AUDIT_DIR, else <state dir>/audit)
  --key      the checkpoint public key; default DIR/keys/audit-signing.pub.pem. For evidence, use a copy kept
             away from the logs: whoever can rewrite the logs could replace a key lying next to them.
  --offline  do not compare with the checkpoints published to Redis (read from HIC_CONFIG's store, or REDIS_URL + HIC_STORE_PREFIX)
Each finding names file:line and its kind (altered, deleted, inserted, reordered, truncated, bad-checkpoint, ...).`,
  options: { key: { type: 'string' }, offline: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals, json }) {
    const dir = auditDirOf(positionals);
    const keyFile = typeof values.key === 'string' ? values.key : join(dir, 'keys', 'audit-signing.pub.pem');
    const useRedis = values.offline !== true && cliStoreConfig() !== null;
    return withAuditContext(useRedis, async (ctx) => {
      await recordRead(ctx, 'audit.verify', { dir, key: keyFile, external: useRedis });
      const publicKeyPem = await readFile(keyFile, 'utf8');
      const external = useRedis ? await ctx.stores.auditCheckpoints?.all() : undefined;
      const result = await verifyAuditDir(dir, publicKeyPem, external ? { external } : {});
      const published = external ? [...external.values()].reduce((n, l) => n + l.length, 0) : null;
      const keyInside = !relative(dir, keyFile).startsWith('..');
      output(json, { ...result, dir, publishedCheckpoints: published }, describe(result, published, keyInside));
      return result.ok ? 0 : 1;
    });
  },
};

function describe(r: VerifyResult, published: number | null, keyInside: boolean): string {
  const head = `${r.files} day files, ${r.lines} lines; ${published === null ? 'checkpoints published to Redis not compared (offline or no store: REDIS_URL / HIC_CONFIG)' : `${published} checkpoints published to Redis compared`}`;
  const warn = keyInside ? '\nnote: the public key was read from inside the audit dir; verify with a copy kept elsewhere (--key)' : '';
  if (r.ok) return `OK — ${head}${warn}`;
  const lines = r.findings.map((f) => `${f.file}:${f.line}  ${f.kind}  ${f.detail}`);
  return `FAILED — ${r.findings.length} finding(s); ${head}\n${lines.join('\n')}${warn}`;
}
