import { randomInt } from 'node:crypto';
import { DnsError } from './errors.js';
import { decodeMessage, emptyMessage, encodeMessage, OPCODE } from './message.js';
import type { Message } from './message.js';
import { CLASS } from './rdata.js';
import { rcodeMeaning, rcodeName } from './rcode.js';
import { tcpOnce, udpOnce } from './transport.js';
import { DEFAULT_FUDGE, signRequest, verifyResponse } from './tsig.js';
import type { TsigKey } from './tsig.js';
import { addressesIn } from './update.js';

export interface ClientOptions {
  host: string;
  port?: number;
  key?: TsigKey;
  /** Per try (UDP) or per exchange (TCP). */
  timeoutMs?: number;
  /** UDP tries before giving up. */
  tries?: number;
  /** Wall-clock seconds for TSIG Time Signed; injected so tests can skew it. */
  wallSeconds?: () => number;
  fudge?: number;
  /** Sign queries too (the primary may require it to answer). */
  signQueries?: boolean;
}

/** Without EDNS a UDP message is at most 512 bytes (RFC 1035 4.2.1); larger goes over TCP. */
const UDP_MAX = 512;

/** A DNS client for one primary: signs, sends (UDP, TCP when needed), verifies, and names every failure. */
export class DnsClient {
  readonly host: string;
  readonly port: number;
  private readonly timeoutMs: number;
  private readonly tries: number;
  private readonly wallSeconds: () => number;

  constructor(private readonly opts: ClientOptions) {
    this.host = opts.host;
    this.port = opts.port ?? 53;
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.tries = opts.tries ?? 3;
    this.wallSeconds = opts.wallSeconds ?? (() => Date.now() / 1000);
  }

  private get where(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Sends `m` (its ID is replaced) and returns the verified answer, whatever its rcode. */
  async exchange(m: Message, sign = true): Promise<Message> {
    const req = { ...m, id: randomInt(0x10000) };
    const key = sign ? this.opts.key : undefined;
    const signed = key ? signRequest(req, key, this.wallSeconds(), this.opts.fudge ?? DEFAULT_FUDGE) : { bytes: encodeMessage(req), mac: new Uint8Array(0) };
    let answer: Uint8Array | null = null;
    if (signed.bytes.length <= UDP_MAX) {
      for (let i = 0; i < this.tries && !answer; i++) answer = await udpOnce(this.host, this.port, signed.bytes, req.id, this.timeoutMs);
      if (!answer) throw new DnsError('ERR_DNS_TIMEOUT', `no answer from ${this.where} after ${this.tries} tries of ${this.timeoutMs} ms`);
      // A truncated answer is asked again over TCP (RFC 1035 4.2.1, RFC 7766 5).
      if (answer.length >= 3 && (answer[2]! & 0x02) !== 0) answer = null;
    }
    answer ??= await tcpOnce(this.host, this.port, signed.bytes, this.timeoutMs * this.tries);
    const msg = key ? verifyResponse(answer, key, signed.mac, this.wallSeconds()) : decodeMessage(answer).message;
    if (!msg.qr || msg.id !== req.id || msg.opcode !== req.opcode) throw new DnsError('ERR_DNS_BAD_RESPONSE', `${this.where} answered with a message that does not match our request`);
    return msg;
  }

  /** Sends an UPDATE; resolves on NOERROR, else throws a DnsError coded by the rcode (NOTAUTH, REFUSED, ...). */
  async update(m: Message): Promise<void> {
    const msg = await this.exchange(m);
    if (msg.rcode !== 0) {
      const name = rcodeName(msg.rcode);
      throw new DnsError(name, `${this.where} answered ${name}: ${rcodeMeaning(name)}`);
    }
  }

  /** The addresses of `name` (type A or AAAA) as the primary holds them; [] when there are none. */
  async queryAddresses(name: string, type: number): Promise<string[]> {
    const q = emptyMessage(0, OPCODE.QUERY);
    q.question.push({ name, type, class: CLASS.IN });
    const msg = await this.exchange(q, this.opts.signQueries ?? false);
    const rc = rcodeName(msg.rcode);
    if (rc === 'NXDOMAIN') return [];
    if (rc !== 'NOERROR') throw new DnsError(rc, `${this.where} answered ${rc} to a query for ${name}: ${rcodeMeaning(rc)}`);
    return addressesIn(msg.answer, name, type);
  }
}
