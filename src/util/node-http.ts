// node:http and node:https through require(), not an ESM import. Node's ESM
// facade of a built-in reads every export, and node:http's lazy ones load
// undici, HTTP/2 and TLS: over 10 MB resident in a daemon that needs none of
// them. https (TLS) is loaded by its first use only.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const nodeHttp = require('node:http') as typeof import('node:http');

let https: typeof import('node:https') | undefined;
export const nodeHttps = (): typeof import('node:https') => (https ??= require('node:https') as typeof import('node:https'));
