import { clusterScaling } from './cluster.js';
import { httpPage } from './http-page.js';
import { loginStorm } from './login-storm.js';
import { manySessions } from './many-sessions.js';
import { websocketScenario } from './websocket.js';
import type { Scenario, ScenarioResult, Timing } from './types.js';
import type { Bench } from '../bench.js';

/** Every scenario of `npm run bench`, in the order they run. */
export const SCENARIOS: Record<string, Scenario> = {
  'small-page': (b, t, log) => httpPage(b, t, log, 1),
  'response-100kb': (b, t, log) => httpPage(b, t, log, 100),
  websocket: websocketScenario,
  'many-sessions': manySessions,
  'login-storm': loginStorm,
  cluster: clusterScaling,
};

/** `--quick`: the small-page scenario alone. */
export function quickRun(bench: Bench, timing: Timing, log: (l: string) => void): Promise<ScenarioResult> {
  return httpPage(bench, timing, log, 1);
}
