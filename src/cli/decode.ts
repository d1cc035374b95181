// `floatd decode`: prints a captured BGP conversation message by message.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkHeader, Framer } from '../bgp/codec/framer.js';
import { HEADER_LENGTH } from '../bgp/codec/constants.js';
import { decodeMessage } from '../bgp/codec/message.js';
import { decodeOpen } from '../bgp/codec/open.js';
import { negotiatedContext } from './decode-context.js';
import { describeMessage } from './describe.js';
import { AS4_CONTEXT, BASE_CONTEXT, type CodecContext } from '../bgp/codec/types.js';

/** The capture shipped with floatd, decoded when no file is given. */
export const DEFAULT_CAPTURE = fileURLToPath(new URL('../../../test/fixtures/captures/bird-gobgp-ipv4.json', import.meta.url));

interface Capture {
  scenario?: string;
  description?: string;
  daemons?: Record<string, string>;
  messages: { from: string; hex: string }[];
}

/** Decodes a capture (floatd's JSON fixture format, or a raw byte stream of one direction) into printable lines. */
export function decodeCapture(path: string): string[] {
  const raw = readFileSync(path);
  const capture: Capture = path.endsWith('.json')
    ? (JSON.parse(raw.toString('utf8')) as Capture)
    : { messages: splitRaw(raw) };
  const lines: string[] = [];
  if (capture.scenario) lines.push(`capture ${capture.scenario}${capture.description ? `: ${capture.description}` : ''}`);
  for (const [k, v] of Object.entries(capture.daemons ?? {})) lines.push(`  ${k} = ${v}`);
  // Each direction decodes with what the OPENs negotiated (RFC 6793, RFC 7911).
  const opens = new Map<string, ReturnType<typeof decodeOpen>>();
  let ctx: Map<string, CodecContext> = new Map();
  for (const [i, m] of capture.messages.entries()) {
    const bytes = Buffer.from(m.hex, 'hex');
    const c = ctx.get(m.from) ?? (opens.size === 2 ? AS4_CONTEXT : BASE_CONTEXT);
    let text: string;
    try {
      // A JSON capture holds one message per entry, not a stream: the header checks the Framer makes on a stream (RFC 4271 6.1) are made here.
      checkMessage(bytes, c);
      const d = decodeMessage(bytes, c);
      if (d.type === 'open') {
        opens.set(m.from, d);
        if (opens.size === 2) ctx = negotiatedContext(opens);
      }
      text = describeMessage(d);
    } catch (e) {
      text = `undecodable: ${(e as Error).message}`;
    }
    lines.push(`${String(i + 1).padStart(4)} ${m.from} -> ${text}`);
  }
  return lines;
}

/** RFC 4271 6.1 header checks on one whole message; its length field must match the bytes given. */
function checkMessage(bytes: Buffer, ctx: CodecContext): void {
  if (bytes.length < HEADER_LENGTH) throw new Error(`${bytes.length} octets, shorter than a message header`);
  const length = checkHeader(bytes, 0, ctx.extendedMessage);
  if (length !== bytes.length) throw new Error(`header length ${length} but the message has ${bytes.length} octets`);
}

function splitRaw(raw: Buffer): { from: string; hex: string }[] {
  const out: { from: string; hex: string }[] = [];
  new Framer().push(raw, (m) => out.push({ from: 'peer', hex: m.toString('hex') }));
  return out;
}
