#!/usr/bin/env node
// `floatd run` lives for months doing a little work every few hundred ms: a
// young generation capped at 1 MB per semi-space (V8 lets it grow to 16 MB)
// keeps about 15 MB of short-lived garbage from staying resident, for no
// more CPU (docs/idle-cost.md). V8 reads the limit only at start, so the
// daemon executes itself again with it, keeping its PID (systemd, pid files).
// A --max-semi-space-size of the operator's (NODE_OPTIONS or node's own
// arguments) wins.
const SEMI_SPACE = '--max-semi-space-size';
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith(SEMI_SPACE));
if (process.argv[2] === 'run' && !given && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, `${SEMI_SPACE}=1`, ...process.execArgv, ...process.argv.slice(1)], process.env);
}

const { main } = await import('../dist/src/cli/main.js');

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
