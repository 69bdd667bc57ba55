#!/usr/bin/env node
import { main } from '../gateway/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hic: ${String((err as Error)?.message ?? err)}\n`);
    process.exitCode = 1;
  },
);
