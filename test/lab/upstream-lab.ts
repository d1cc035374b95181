// What the upstream tests share: a lab test that fails (never skips)
// without root or a daemon, prints every log tail when it fails, and always
// cleans up; and short health settings so failover happens quickly.

import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { FLOATD_BIN, floatdRunMissing } from '../../lab/daemons/floatd.js';
import { Lab, LabError, requireLab } from '../../lab/netns.js';

export const SHORT_HEALTH = { interval: 0.5, 'fast-interval': 0.2, rise: 2, fall: 2, timeout: 0.4 };

export function labTest(name: string, tag: string, body: (lab: Lab) => Promise<void>): void {
  test(name, { timeout: 120_000 }, async (t) => {
    requireLab(['bird', 'birdc']);
    const missing = existsSync(FLOATD_BIN) ? await floatdRunMissing() : `${FLOATD_BIN} is missing`;
    if (missing !== undefined) throw new LabError(`\`floatd run\` is not available (build with \`npx tsc -p tsconfig.json\`): ${missing}`);
    const lab = new Lab(tag);
    let failed = true;
    t.after(async () => {
      if (failed) console.log(`${name}: logs of ${lab.dir}\n${lab.logTails()}`);
      await lab.cleanup();
    });
    await body(lab);
    failed = false;
  });
}
