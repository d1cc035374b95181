#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

// A reader that closes early (`floatd decode | head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

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
