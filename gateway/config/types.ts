/** Validated configuration, as the rest of the gateway sees it (defaults applied). */
export interface GatewayConfig {
  mode: 'production' | 'demo' | 'test';
  stateDir?: string;
  server: {
    host: string;
    port: number;
    trustedProxies: string[];
    staffNetworks: string[];
    publicOrigin?: string;
    shutdownTimeoutSeconds: number;
    headersTimeoutSeconds: number;
    requestTimeoutSeconds: number;
    maxRequestBodyBytes: number;
  };
  tls: { certFile: string; keyFile: string; caFile: string; minVersion: 'TLSv1.2' | 'TLSv1.3' };
  store: StoreConfig;
  session: {
    idleTimeoutSeconds: number;
    absoluteLifetimeSeconds: number;
    touchIntervalSeconds: number;
    cacheSeconds: number;
  };
  secrets: { totpKeyFile?: string };
  audit: {
    dir: string;
    instanceId?: string;
    publishedCheckpoints: number;
    clockCheckSeconds: number;
    maxClockSkewMs: number;
    siem?: { file?: string; syslog?: SyslogConfig; include: 'security' | 'all' };
  };
  alerts: AlertsConfig;
  /** The gateway's own pages: the helpdesk contact on the login page, the zone of staff pages. */
  pages: { helpdeskContact?: string; timezone: string };
  transfers: TransfersConfig;
  projects: ProjectConfig[];
}

/** The store section: memory, or Redis standalone (`url`), through Sentinel (`sentinels`) or Cluster (`cluster`). */
export interface StoreConfig {
  kind: 'memory' | 'redis';
  url?: string;
  sentinels?: string[];
  sentinelName?: string;
  cluster?: string[];
  username?: string;
  /** Files holding the passwords (owner-only, one line); the passwords themselves are never in the config. */
  passwordFile?: string;
  sentinelPasswordFile?: string;
  tls?: boolean | { caFile?: string; servername?: string };
  prefix: string;
  allowMemory: boolean;
}

export interface ProjectConfig {
  id: string;
  name?: string;
  upstream: string;
  networks: string[];
  pollingPaths: string[];
  profile?: string;
  credentialFile?: string;
  workspaceTerminals?: boolean;
}

/** A syslog destination (RFC 5424). */
export interface SyslogConfig {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'tls';
  facility: number;
  appName: string;
  caFile?: string;
}

/** LOG-4 alerting: where alerts go and what counts as abnormal. */
export interface AlertsConfig {
  webhookUrl?: string;
  webhookTimeoutMs: number;
  webhookAttempts: number;
  syslog?: SyslogConfig;
  businessHours: { enabled: boolean; start: string; end: string; timezone: string; days: number[] };
  failedLoginBurst: { count: number; windowSeconds: number };
  /** Bytes one session moves (both ways) within a window before an alert: the sign of copying out through the screen. */
  sessionVolume: { bytes: number; windowSeconds: number };
}

/** DATA-2 / DATA-3: reviewed export and import requests. */
export interface TransfersConfig {
  quarantineDir?: string;
  maxBytes: number;
  maxDownloads: number;
  validityDays: number;
  retentionDays: number;
  allowExtensions: string[];
  maxUnpackedBytes: number;
  areaPopulationFile?: string;
  clamd?: { socket?: string; host?: string; port: number; timeoutMs: number };
}
