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
        /**
         * The origin analysts' browsers use (`https://hic.example.jp`): the Origin the gateway accepts on
         * state-changing requests and upgrades, and the Host and Origin the workspace sees. Default: the gateway's own
         * listening URL, plus its loopback names when it listens on loopback. Login redirects stay on it; a gateway
         * holding a CA made without a CRL URL names `<publicOrigin>/_hic/crl` in what it issues. No path, no userinfo.
         */
        publicOrigin: { type: 'string', pattern: '^https://[^/?#@\\s]+$' },
        /**
         * SIGTERM: in-flight requests get this long to finish (WebSockets are told 1001 at once), then what is left
         * is cut, the audit log flushed and the process exits. Keep it below the orchestrator's grace period
         * (compose `stop_grace_period`, Kubernetes `terminationGracePeriodSeconds`: 30 s).
         */
        shutdownTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 20 },
        /**
         * Slow clients (slowloris): a connection has this long to finish its TLS handshake and then to send its
         * request head; past it the gateway answers 408 and closes. Node's own default (60 s handshake 120 s) lets a
         * few hundred idle sockets hold the server.
         */
        headersTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 300, default: 20 },
        /** The whole request, body included, must arrive within this (a body sent a byte at a time is cut: 408). */
        requestTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 300 },
        /**
         * The largest request body forwarded to a workspace (bodies stream, they are never buffered). A declared
         * length over it is refused before anything is forwarded; a chunked body is cut when it passes it. Jupyter
         * saves and uploads in chunks of at most 8 MiB (about 11 MiB of JSON).
         */
        maxRequestBodyBytes: { type: 'integer', minimum: 1024, default: 67108864 },
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
        /** A standalone server. Exactly one of url, sentinels, cluster (load.ts says which is missing or extra). */
        url: { type: 'string', pattern: '^rediss?://' },
        /** Redis Sentinel: the sentinels (`host:port`, at least one; give all of them) and the monitored master's name. */
        sentinels: { type: 'array', minItems: 1, items: hostPortSchema() },
        sentinelName: { type: 'string', minLength: 1, pattern: '^[!-~]+$' },
        /** Redis Cluster: some of its nodes (`host:port`); the rest are discovered. Keys get a hash tag (README). */
        cluster: { type: 'array', minItems: 1, items: hostPortSchema() },
        /** ACL user of the data nodes (Redis 6+); without it, the default user. */
        username: { type: 'string', minLength: 1 },
        /**
         * The data nodes' password: a file readable by its owner only, holding the password on one line. Passwords
         * are never written in the config itself.
         */
        passwordFile: { type: 'string', minLength: 1 },
        /** The sentinels' own password (`requirepass` in sentinel.conf; not taken from passwordFile), same file rule. */
        sentinelPasswordFile: { type: 'string', minLength: 1 },
        /** TLS to every node (and sentinel): true (system CAs) or the CA bundle that verifies them. */
        tls: {
          type: ['boolean', 'object'],
          additionalProperties: false,
          properties: {
            caFile: { type: 'string', minLength: 1 },
            /** The name the certificates carry, when it differs from the host the nodes are reached at. */
            servername: { type: 'string', minLength: 1 },
          },
        },
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
        /** LOG-3: each checkpoint is also copied to the store (a list per instance); this many newest are kept. */
        publishedCheckpoints: { type: 'integer', minimum: 1, maximum: 100000, default: 1000 },
        /** LOG-5: the instance clock is compared with the store's (Redis TIME) at start and this often. */
        clockCheckSeconds: { type: 'integer', minimum: 5, maximum: 3600, default: 60 },
        /** LOG-5: a larger difference raises a 'clock-skew' alert. */
        maxClockSkewMs: { type: 'integer', minimum: 1, default: 1000 },
        /** Copy of the audit events for a SIEM (pino transport): JSON lines file and/or syslog (RFC 5424). */
        siem: {
          type: 'object',
          additionalProperties: false,
          properties: {
            file: { type: 'string', minLength: 1 },
            syslog: syslogSchema(),
            /** 'security': security events and alerts; 'all': access records too. */
            include: { type: 'string', enum: ['security', 'all'], default: 'security' },
          },
        },
      },
    },
    /** The gateway's own pages (issue 13). */
    pages: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        /**
         * How people who cannot log in reach the helpdesk, shown on the login page to everyone (so it reveals nothing
         * about any account): e.g. "内線 1234 / helpdesk@example.jp (平日 9:00–17:00)". Plain text, no markup.
         */
        helpdeskContact: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^<>]*$' },
        /** The zone days and times are shown and entered in on staff pages (an IANA name). */
        timezone: { type: 'string', minLength: 1, pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$', default: 'Asia/Tokyo' },
      },
    },
    /** LOG-4: alerts on abnormal use; every alert is an audit event and is also sent to these sinks. */
    alerts: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        webhookUrl: { type: 'string', pattern: '^https?://' },
        webhookTimeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 5000 },
        /** Attempts per alert (bounded retries, backoff 1 s, 4 s, ...); the request that raised it never waits. */
        webhookAttempts: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
        syslog: syslogSchema(),
        /** Use outside these hours (local time of `timezone`, on `days`, 0 = Sunday) raises 'outside-hours'. */
        businessHours: {
          type: 'object',
          default: {},
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean', default: true },
            start: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '07:00' },
            end: { type: 'string', pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$', default: '22:00' },
            timezone: { type: 'string', minLength: 1, default: 'Asia/Tokyo' },
            days: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 6 }, default: [0, 1, 2, 3, 4, 5, 6] },
          },
        },
        /** This many failed logins of one user inside the window raise 'failed-login-burst' (per address: login service). */
        failedLoginBurst: {
          type: 'object',
          default: {},
          additionalProperties: false,
          properties: {
            count: { type: 'integer', minimum: 2, default: 5 },
            windowSeconds: { type: 'integer', minimum: 10, default: 300 },
          },
        },
        /** One session moving more than `bytes` (requests and responses, WebSocket frames included) within the window. */
        sessionVolume: {
          type: 'object',
          default: {},
          additionalProperties: false,
          properties: {
            bytes: { type: 'integer', minimum: 1024, default: 50 * 1024 * 1024 },
            windowSeconds: { type: 'integer', minimum: 10, default: 600 },
          },
        },
      },
    },
    /** DATA-2 / DATA-3: reviewed export and import requests (HIC GL 第6; 匿名診療等関連情報 GL 第7-2). */
    transfers: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        /** Quarantine outside every workspace (default <stateDir>/quarantine); files named by SHA-256, mode 0600. */
        quarantineDir: { type: 'string', minLength: 1 },
        /** Largest file taken out or brought in. */
        maxBytes: { type: 'integer', minimum: 1, maximum: 1073741824, default: 52428800 },
        /** An approved export may be downloaded this many times … */
        maxDownloads: { type: 'integer', minimum: 1, maximum: 100, default: 3 },
        /** … within this many days of the approval. */
        validityDays: { type: 'integer', minimum: 1, maximum: 365, default: 7 },
        /** Quarantine copies are deleted this many days after the decision; hashes stay in the audit log. */
        retentionDays: { type: 'integer', minimum: 1, maximum: 3650, default: 30 },
        /** Extensions (without the dot) of further kinds an export may be, beyond tables, text and images. */
        allowExtensions: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9]{1,16}$' }, default: [] },
        /** XLSX zip-bomb bound: the largest total unpacked size. */
        maxUnpackedBytes: { type: 'integer', minimum: 1048576, default: 536870912 },
        /** CSV "area,population": secondary medical areas (name or code) and their population (第7-2(1)i). */
        areaPopulationFile: { type: 'string', minLength: 1 },
        /** ClamAV clamd (INSTREAM): a unix socket, or host and port. Unset: imports wait for a scanner. */
        clamd: {
          type: 'object',
          additionalProperties: false,
          properties: {
            socket: { type: 'string', minLength: 1 },
            host: { type: 'string', minLength: 1 },
            port: { type: 'integer', minimum: 1, maximum: 65535, default: 3310 },
            timeoutMs: { type: 'integer', minimum: 100, maximum: 600000, default: 30000 },
          },
        },
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
          /** DATA-1: workspace profile in policies/workspace-profiles/ (downloads and uploads refused). */
          profile: { type: 'string' },
          /** The workspace credential the gateway presents: a file readable by its owner only (never the secret itself). */
          credentialFile: { type: 'string', minLength: 1 },
          /** A shell in the workspace (Jupyter terminals): refused unless enabled. */
          workspaceTerminals: { type: 'boolean', default: false },
        },
      },
    },
  },
} as const;

/** `host:port` of a Redis node or sentinel (an IPv6 address in brackets: `[::1]:26379`); the port is checked in load.ts. */
function hostPortSchema() {
  return { type: 'string', pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\]/]+):[0-9]{1,5}$' } as const;
}

/** A syslog destination (RFC 5424 messages; UDP per RFC 5426, TCP/TLS with octet counting per RFC 6587/5425). */
function syslogSchema() {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['host'],
    properties: {
      host: { type: 'string', minLength: 1 },
      port: { type: 'integer', minimum: 1, maximum: 65535, default: 514 },
      protocol: { type: 'string', enum: ['udp', 'tcp', 'tls'], default: 'udp' },
      /** RFC 5424 facility; 13 = log audit. */
      facility: { type: 'integer', minimum: 0, maximum: 23, default: 13 },
      appName: { type: 'string', pattern: '^[!-~]{1,48}$', default: 'hic-gateway' },
      /** CA bundle that verifies a TLS syslog server (default: the system's). */
      caFile: { type: 'string', minLength: 1 },
    },
  } as const;
}
