import { startDemoWorkspace } from '../../gateway/demo/workspace.js';
import { startBareProxy } from './bare-proxy.js';
import { startExpressAlternative } from './express-alt.js';
import { startBenchGateway } from './gateway.js';
import type { RunningTarget, TargetSpec } from './types.js';

/** Starts one target in this process (the child entry point and the in-process mode of the tests both use it). */
export async function startTarget(spec: TargetSpec): Promise<RunningTarget | { skipped: string }> {
  switch (spec.kind) {
    case 'upstream':
      return startDemoWorkspace(0);
    case 'bare':
      return startBareProxy(spec.upstream, spec.tls);
    case 'gateway':
      return startBenchGateway(spec);
    case 'express':
      return startExpressAlternative(spec.upstream, spec.tls, spec.redisUrl, spec.prefix);
  }
}
