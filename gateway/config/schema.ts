/**
 * The one configuration schema, validated once at start-up (ajv, allErrors) so that a bad file names every
 * problem by key. Defaults live next to the schema; comments say where a value comes from in the guideline.
 */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['server', 'tls', 'store', 'audit', 'projects'],
  properties: {
    /** 'production' refuses the memory store unless store.allowMemory is set (DESIGN: Stores). */
    mode: { type: 'string', enum: ['production', 'demo', 'test'], default: 'production' },
    stateDir: { type: 'string', minLength: 1 },
    server: {
      type: 'object',
      additionalProperties: false,
      required: ['port'],
      properties: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        /** Peers whose X-Forwarded-For is believed (AC-1: behind a load balancer, only trusted proxies). */
        trustedProxies: { type: 'array', items: { type: 'string', format: 'cidr' }, default: [] },
        /** Approved networks for staff terminals (helpdesk, security, admin, reviewer). */
        staffNetworks: { type: 'array', items: { type: 'string', format: 'cidr' }, default: [] },
        publicOrigin: { type: 'string' },
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['certFile', 'keyFile', 'caFile'],
      properties: {
        certFile: { type: 'string', minLength: 1 },
        keyFile: { type: 'string', minLength: 1 },
        /** Bundle of the built-in CA (AUTH-8): verifies terminal certificates. */
        caFile: { type: 'string', minLength: 1 },
        minVersion: { type: 'string', enum: ['TLSv1.2', 'TLSv1.3'], default: 'TLSv1.2' },
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { type: 'string', enum: ['memory', 'redis'] },
        url: { type: 'string', pattern: '^rediss?://' },
        prefix: { type: 'string', minLength: 1, default: 'hic:' },
        allowMemory: { type: 'boolean', default: false },
      },
    },
    session: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        /** SES-1: 20 minutes without operation logs the user out (HIC GL 第5-4-ii-①). */
        idleTimeoutSeconds: { type: 'integer', minimum: 60, maximum: 1200, default: 1200 },
        absoluteLifetimeSeconds: { type: 'integer', minimum: 300, default: 43200 },
        /** The idle clock is written at most this often, not on every request. */
        touchIntervalSeconds: { type: 'integer', minimum: 1, maximum: 60, default: 5 },
        /** Upper bound on how long an in-process copy is trusted without pub/sub news. */
        cacheSeconds: { type: 'integer', minimum: 0, maximum: 60, default: 10 },
      },
    },
    secrets: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        /** Key file sealing TOTP secrets at rest (AUTH-6); the key itself never appears in config. */
        totpKeyFile: { type: 'string', minLength: 1 },
      },
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      required: ['dir'],
      properties: {
        dir: { type: 'string', minLength: 1 },
        instanceId: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' },
      },
    },
    projects: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'upstream', 'networks'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
          name: { type: 'string' },
          upstream: { type: 'string', pattern: '^https?://' },
          /** AC-1: approved networks (CIDR) of the project's sites. */
          networks: { type: 'array', minItems: 1, items: { type: 'string', format: 'cidr' } },
          /** SES-1: background polling routes that must not count as operation. */
          pollingPaths: { type: 'array', items: { type: 'string' }, default: [] },
        },
      },
    },
  },
} as const;
