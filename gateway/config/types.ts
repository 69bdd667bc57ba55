/** Validated configuration, as the rest of the gateway sees it (defaults applied). */
export interface GatewayConfig {
  mode: 'production' | 'demo' | 'test';
  stateDir?: string;
  server: { host: string; port: number; trustedProxies: string[]; staffNetworks: string[]; publicOrigin?: string };
  tls: { certFile: string; keyFile: string; caFile: string; minVersion: 'TLSv1.2' | 'TLSv1.3' };
  store: { kind: 'memory' | 'redis'; url?: string; prefix: string; allowMemory: boolean };
  session: {
    idleTimeoutSeconds: number;
    absoluteLifetimeSeconds: number;
    touchIntervalSeconds: number;
    cacheSeconds: number;
  };
  secrets: { totpKeyFile?: string };
  audit: { dir: string; instanceId?: string };
  projects: ProjectConfig[];
}

export interface ProjectConfig {
  id: string;
  name?: string;
  upstream: string;
  networks: string[];
  pollingPaths: string[];
}
