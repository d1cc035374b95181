#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`floatd: ${err.message}\n`);
    if (err.code === 'ERR_USAGE') process.stderr.write("Run 'floatd help' for usage.\n");
    process.exitCode = err.code === 'ERR_USAGE' ? 2 : 1;
  },
);
