/*
 * BFD transmission and detection off the event loop (RFC 5880 async mode,
 * RFC 5881 single hop, RFC 5883 multihop).
 *
 * A BFD session at 100 ms x 3 declares its peer dead after 300 ms of
 * silence. Node's event loop can stall longer than that (a full table being
 * decoded, a full GC), and dgram can neither send with TTL 255 nor tell the
 * TTL of a received packet. So one thread here owns every session's sockets
 * and clocks: it sends the packet template JS gave it at the jittered
 * interval, checks what it receives (length, version, discriminators, TTL,
 * authentication and sequence), keeps the detection deadline, and on expiry
 * switches the template to Down (diag 1) itself before telling JS. JS runs
 * the state machine (src/bfd/session-state.ts) and hands back templates.
 *
 * The interval and detection-time formulas mirror src/bfd/timing.ts:
 *   tx     = max(local desired TX, peer's required RX), >= 1 s while not Up,
 *            jittered to 75-100 % (75-90 % when detect mult is 1)
 *   detect = peer's detect mult x max(local required RX, peer's desired TX)
 *
 * open(opts, callback) -> id      opts: { family: 4|6, peer, local?, multihop, minTtl }
 * setAuth(id, type, keyId, key)   type 0 none, 1 simple, 4 keyed SHA1, 5 meticulous keyed SHA1
 * update(id, template, txUs, rxUs, sendNow, expiriesSeen) -> applied
 *                                 template: the 24-octet header to send; sendNow bits: 1 a packet now, 2 a Final now;
 *                                 ignored (false) when JS has not yet seen every expiry
 * close(id); now() -> ms on CLOCK_MONOTONIC; stats(id) -> { txCount, rxCount, maxGapMs, maxLateMs, realtime }
 * Callback events: { type: 'rx', packet, at, ttl } for packets that changed
 * or carry P/F, { type: 'expire', at, expiries }.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include "detached-thread.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif
#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif

#define MAX_SESSIONS 256
#define MAX_RX 32
#define HDR 24
#define MAX_PKT 64
#define SLOW_TX_US 1000000u

/* ---- SHA1 (FIPS 180-4), for keyed SHA1 authentication (RFC 5880 6.7.4) ---- */
typedef struct { uint32_t h[5]; uint64_t len; uint8_t buf[64]; size_t n; } sha1_t;
#define ROL(x, c) (((x) << (c)) | ((x) >> (32 - (c))))
static void sha1_block(sha1_t *s, const uint8_t *p) {
  uint32_t w[80], a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
    else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
    else { f = b ^ c ^ d; k = 0xca62c1d6; }
    uint32_t t = ROL(a, 5) + f + e + k + w[i];
    e = d; d = c; c = ROL(b, 30); b = a; a = t;
  }
  s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e;
}
static void sha1(const uint8_t *data, size_t len, uint8_t out[20]) {
  sha1_t s = {{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, 0, {0}, 0};
  size_t i = 0;
  for (; i + 64 <= len; i += 64) sha1_block(&s, data + i);
  uint8_t tail[128] = {0};
  size_t rest = len - i;
  memcpy(tail, data + i, rest);
  tail[rest] = 0x80;
  size_t tl = rest + 9 <= 64 ? 64 : 128;
  uint64_t bits = (uint64_t)len * 8;
  for (int j = 0; j < 8; j++) tail[tl - 1 - j] = (uint8_t)(bits >> (8 * j));
  sha1_block(&s, tail);
  if (tl == 128) sha1_block(&s, tail + 64);
  for (int j = 0; j < 5; j++) { out[4 * j] = s.h[j] >> 24; out[4 * j + 1] = s.h[j] >> 16; out[4 * j + 2] = s.h[j] >> 8; out[4 * j + 3] = s.h[j]; }
}

/* ---- sessions ---- */
typedef struct {
  int fd, family, port, refs;
  struct sockaddr_storage addr;
} rxsock_t;

typedef struct {
  bool used;
  int family, port, min_ttl;
  bool multihop;
  struct sockaddr_storage peer;
  int tx_fd;
  rxsock_t *rx;
  uint8_t tmpl[HDR];
  int auth_type, key_len;
  uint8_t key_id, key[20];
  uint32_t xmit_seq, rcv_seq;
  bool rcv_seq_known;
  uint32_t local_tx_us, local_rx_us, remote_min_rx_us, remote_tx_us;
  uint8_t remote_mult;
  int64_t next_tx, last_tx, deadline; /* ns on CLOCK_MONOTONIC; deadline 0: none */
  bool last_tx_up; /* the packet sent at last_tx said Up */
  int send_now; /* bits: 1 a packet now, 2 a Final now */
  uint32_t expiries;
  uint8_t last_fwd[HDR];
  bool fwd_valid;
  napi_threadsafe_function tsfn;
  uint64_t tx_count, rx_count;
  int64_t max_gap, max_late;
} sess_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sess_t sessions[MAX_SESSIONS];
static rxsock_t rxs[MAX_RX];
static int live_sessions = 0;
static bool thread_alive = false;
static int wake_fd = -1;
static uint64_t rng = 0;

typedef struct {
  int kind; /* 1 rx, 2 expire */
  int64_t at;
  int ttl;
  uint32_t expiries;
  size_t len;
  uint8_t pkt[MAX_PKT];
} event_t;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static double rand01(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (double)(rng >> 11) / 9007199254740992.0;
}

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void wr32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static int state_of(const uint8_t *h) { return h[1] >> 6; }
static uint32_t umax(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* 6.8.7 and 6.8.3, as in timing.ts / session-state.ts txIntervalUs. */
static uint32_t tx_interval_us(const sess_t *s) {
  if (s->remote_min_rx_us == 0) return 0;
  uint32_t i = umax(s->local_tx_us, s->remote_min_rx_us);
  return state_of(s->tmpl) == 3 ? i : umax(i, SLOW_TX_US);
}

static int64_t jittered_ns(uint32_t us, int mult) {
  double span = mult == 1 ? 0.15 : 0.25;
  return (int64_t)((double)us * (0.75 + span * rand01())) * 1000;
}

static void wake(void) {
  uint64_t one = 1;
  if (wake_fd >= 0 && write(wake_fd, &one, sizeof one) < 0) { /* counter full: the thread is awake anyway */ }
}

static void deliver(sess_t *s, event_t *ev) {
  if (napi_call_threadsafe_function(s->tsfn, ev, napi_tsfn_nonblocking) != napi_ok) {
    free(ev);
    s->fwd_valid = false; /* the next packet goes to JS whatever it holds */
  }
}

static void transmit(sess_t *s, int64_t now, bool final) {
  uint8_t p[MAX_PKT];
  size_t len = HDR;
  memcpy(p, s->tmpl, HDR);
  if (final) p[1] = (uint8_t)((p[1] & ~0x20) | 0x10);
  if (s->auth_type == 1) {
    len = HDR + 3 + (size_t)s->key_len;
    p[24] = 1; p[25] = (uint8_t)(3 + s->key_len); p[26] = s->key_id;
    memcpy(p + 27, s->key, (size_t)s->key_len);
  } else if (s->auth_type == 4 || s->auth_type == 5) {
    len = HDR + 28;
    p[24] = (uint8_t)s->auth_type; p[25] = 28; p[26] = s->key_id; p[27] = 0;
    wr32(p + 28, ++s->xmit_seq);
    memset(p + 32, 0, 20);
    memcpy(p + 32, s->key, (size_t)s->key_len);
    uint8_t h[20];
    p[3] = (uint8_t)len;
    p[1] |= 0x04;
    sha1(p, len, h);
    memcpy(p + 32, h, 20);
  }
  p[3] = (uint8_t)len;
  if (s->auth_type != 0) p[1] |= 0x04;
  if (send(s->tx_fd, p, len, MSG_DONTWAIT) == (ssize_t)len) s->tx_count++;
  if (!final) {
    /* Gaps count between two Up packets only: before Up the 1 s rate is wanted (6.8.3), not a gap. */
    bool up = state_of(p) == 3;
    if (up && s->last_tx_up && now - s->last_tx > s->max_gap) s->max_gap = now - s->last_tx;
    s->last_tx = now;
    s->last_tx_up = up;
  }
}

/* Detection time passed without a valid packet (6.8.4): Down with diag 1, remote discriminator forgotten. */
static void expire(sess_t *s, int64_t now) {
  int st = state_of(s->tmpl);
  s->deadline = 0;
  s->rcv_seq_known = false;
  s->expiries++;
  wr32(s->tmpl + 8, 0);
  if (st == 2 || st == 3) {
    s->tmpl[0] = (uint8_t)((s->tmpl[0] & 0xe0) | 1);
    s->tmpl[1] = (uint8_t)((1 << 6) | (s->tmpl[1] & 0x0f & ~0x04));
    if (st == 3) s->send_now |= 1;
  }
  event_t *ev = calloc(1, sizeof *ev);
  if (ev == NULL) return;
  ev->kind = 2;
  ev->at = now;
  ev->expiries = s->expiries;
  deliver(s, ev);
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return false;
  if (a->ss_family == AF_INET) return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
  return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

/* Authentication (6.7.2, 6.7.4) and the sequence window (6.7.3). */
static bool auth_ok(sess_t *s, uint8_t *p, size_t len) {
  bool a = (p[1] & 0x04) != 0;
  if (s->auth_type == 0) return !a;
  if (!a || len < HDR + 3 || p[24] != s->auth_type || p[26] != s->key_id) return false;
  if (s->auth_type == 1) return p[25] == 3 + s->key_len && len >= (size_t)(HDR + 3 + s->key_len) && memcmp(p + 27, s->key, (size_t)s->key_len) == 0;
  if (p[25] != 28 || len != HDR + 28) return false;
  uint8_t got[20], want[20];
  memcpy(got, p + 32, 20);
  memset(p + 32, 0, 20);
  memcpy(p + 32, s->key, (size_t)s->key_len);
  sha1(p, len, want);
  memcpy(p + 32, got, 20);
  uint8_t diff = 0;
  for (int i = 0; i < 20; i++) diff |= (uint8_t)(got[i] ^ want[i]);
  if (diff != 0) return false;
  uint32_t seq = rd32(p + 28);
  if (s->rcv_seq_known) {
    uint32_t ahead = seq - s->rcv_seq;
    if (ahead < (s->auth_type == 5 ? 1u : 0u) || ahead > 3u * p[2]) return false;
  }
  s->rcv_seq = seq;
  s->rcv_seq_known = true;
  return true;
}

static void receive(rxsock_t *r, int64_t now) {
  for (int n = 0; n < 64; n++) {
    uint8_t p[MAX_PKT + 1];
    struct sockaddr_storage from;
    char cbuf[256];
    struct iovec iov = {p, sizeof p};
    struct msghdr m = {&from, sizeof from, &iov, 1, cbuf, sizeof cbuf, 0};
    ssize_t got = recvmsg(r->fd, &m, MSG_DONTWAIT);
    if (got < 0) return;
    size_t len = (size_t)got;
    int ttl = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
      if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) || (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
    }
    /* 6.8.6 stateless checks. */
    if (len < HDR || len > MAX_PKT || (p[0] >> 5) != 1 || p[2] == 0 || (p[1] & 0x01) != 0) continue;
    size_t plen = p[3];
    if (plen < ((p[1] & 0x04) ? HDR + 2u : (size_t)HDR) || plen > len) continue;
    len = plen;
    uint32_t my = rd32(p + 4), your = rd32(p + 8);
    int st = state_of(p);
    if (my == 0 || (your == 0 && st != 0 && st != 1)) continue;
    sess_t *s = NULL;
    for (int i = 0; i < MAX_SESSIONS && s == NULL; i++) {
      sess_t *c = &sessions[i];
      if (!c->used || c->rx != r || !same_addr(&c->peer, &from)) continue;
      if (your == 0 || rd32(c->tmpl + 4) == your) s = c;
    }
    if (s == NULL) continue;
    /* RFC 5881 5: single hop only from TTL 255; RFC 5883: multihop at least the configured minimum. */
    if (ttl < 0 || (!s->multihop && ttl != 255) || (s->multihop && ttl < s->min_ttl)) continue;
    if (!auth_ok(s, p, len)) continue;
    s->rx_count++;
    if (state_of(s->tmpl) == 0) continue; /* AdminDown: nothing is received */
    uint32_t old_tx = tx_interval_us(s);
    s->remote_min_rx_us = rd32(p + 16);
    s->remote_tx_us = rd32(p + 12);
    s->remote_mult = p[2];
    s->deadline = now + (int64_t)s->remote_mult * umax(s->local_rx_us, s->remote_tx_us) * 1000;
    uint32_t new_tx = tx_interval_us(s);
    if (new_tx != 0 && (old_tx == 0 || new_tx < old_tx)) {
      int64_t pulled = s->last_tx + jittered_ns(new_tx, s->tmpl[2]);
      if (pulled < s->next_tx) s->next_tx = pulled < now ? now : pulled;
    }
    /* 6.8.7: a Poll gets its Final at once. */
    if (p[1] & 0x20) transmit(s, now, true);
    bool pf = (p[1] & 0x30) != 0;
    if (pf || !s->fwd_valid || memcmp(s->last_fwd, p, HDR) != 0) {
      memcpy(s->last_fwd, p, HDR);
      s->fwd_valid = true;
      event_t *ev = calloc(1, sizeof *ev);
      if (ev == NULL) continue;
      ev->kind = 1;
      ev->at = now;
      ev->ttl = ttl;
      ev->len = len;
      memcpy(ev->pkt, p, len);
      deliver(s, ev);
    }
  }
}

static bool realtime = false;

static void *engine(void *arg) {
  /*
   * On a crowded host a runnable thread can wait 100 ms and more for a CPU,
   * a third of a 300 ms detection time. A real-time priority (where floatd
   * may have one: root or CAP_SYS_NICE) puts this thread first; it sleeps in
   * ppoll and does microseconds of work per packet, and the kernel's RT
   * throttling still bounds it. Without the right it runs at normal priority.
   */
  struct sched_param sp = {.sched_priority = 10};
  bool rt = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
  pthread_mutex_lock(&lock);
  realtime = rt;
  pthread_mutex_unlock(&lock);
  for (;;) {
    pthread_mutex_lock(&lock);
    if (live_sessions == 0) {
      thread_alive = false;
      pthread_mutex_unlock(&lock);
      return NULL;
    }
    int64_t now = now_ns();
    int64_t next = now + 1000000000;
    for (int i = 0; i < MAX_SESSIONS; i++) {
      sess_t *s = &sessions[i];
      if (!s->used) continue;
      if (s->deadline != 0 && now >= s->deadline) expire(s, now);
      uint32_t iv = tx_interval_us(s);
      if (s->send_now & 2) transmit(s, now, true);
      if (s->send_now & 1) {
        transmit(s, now, false);
        if (iv != 0) s->next_tx = now + jittered_ns(iv, s->tmpl[2]);
      }
      s->send_now = 0;
      if (iv != 0 && now >= s->next_tx) {
        if (now - s->next_tx > s->max_late) s->max_late = now - s->next_tx;
        transmit(s, now, false);
        s->next_tx = now + jittered_ns(iv, s->tmpl[2]);
      }
      if (iv != 0 && s->next_tx < next) next = s->next_tx;
      if (s->deadline != 0 && s->deadline < next) next = s->deadline;
    }
    struct pollfd pf[MAX_RX + 1];
    rxsock_t *who[MAX_RX + 1];
    int n = 0;
    pf[n] = (struct pollfd){.fd = wake_fd, .events = POLLIN};
    who[n++] = NULL;
    for (int i = 0; i < MAX_RX; i++) {
      if (rxs[i].refs == 0) continue;
      pf[n] = (struct pollfd){.fd = rxs[i].fd, .events = POLLIN};
      who[n++] = &rxs[i];
    }
    pthread_mutex_unlock(&lock);
    int64_t wait = next - now_ns();
    if (wait < 0) wait = 0;
    struct timespec ts = {wait / 1000000000, wait % 1000000000};
    int r = ppoll(pf, (nfds_t)n, &ts, NULL);
    if (r <= 0) continue;
    pthread_mutex_lock(&lock);
    int64_t at = now_ns();
    if (pf[0].revents & POLLIN) {
      uint64_t v;
      if (read(wake_fd, &v, sizeof v) < 0) { /* spurious: nothing to drain */ }
    }
    /* The sockets may have been closed while unlocked: only read those still open. */
    for (int i = 1; i < n; i++) {
      if ((pf[i].revents & POLLIN) && who[i]->refs > 0 && who[i]->fd == pf[i].fd) receive(who[i], at);
    }
    pthread_mutex_unlock(&lock);
  }
}

/* ---- JS side ---- */
static napi_value throw_errno(napi_env env, int err, const char *what) {
  napi_value code, text, error;
  char msg[200];
  snprintf(msg, sizeof msg, "BFD %s: %s", what, strerror(err));
  const char *name = err == EADDRINUSE ? "EADDRINUSE" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : err == EACCES ? "EACCES" : err == EPERM ? "EPERM" : err == EMFILE ? "EMFILE" : err == ENOSPC ? "ENOSPC" : "EBFDSOCKET";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_invalid(napi_env env, const char *msg) {
  napi_throw_type_error(env, "EINVAL", msg);
  return NULL;
}

static bool get_prop(napi_env env, napi_value o, const char *k, napi_value *v, napi_valuetype want) {
  bool has = false;
  napi_valuetype t;
  if (napi_has_named_property(env, o, k, &has) != napi_ok || !has) return false;
  napi_get_named_property(env, o, k, v);
  napi_typeof(env, *v, &t);
  return t == want;
}

static bool parse_addr(napi_env env, napi_value v, int family, int port, struct sockaddr_storage *out) {
  char text[64];
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, text, sizeof text, &n) != napi_ok) return false;
  memset(out, 0, sizeof *out);
  if (family == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, text, &a->sin_addr) == 1;
  }
  struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
  a->sin6_family = AF_INET6;
  a->sin6_port = htons((uint16_t)port);
  return inet_pton(AF_INET6, text, &a->sin6_addr) == 1;
}

static socklen_t addr_len(const struct sockaddr_storage *a) { return a->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6); }

/* The receiving socket for (family, local address, port), shared by the sessions that use it. */
static rxsock_t *rx_get(const struct sockaddr_storage *local, bool multihop, int *err) {
  for (int i = 0; i < MAX_RX; i++) {
    if (rxs[i].refs > 0 && rxs[i].port == ntohs(((const struct sockaddr_in *)local)->sin_port) && same_addr(&rxs[i].addr, local)) {
      rxs[i].refs++;
      return &rxs[i];
    }
  }
  rxsock_t *r = NULL;
  for (int i = 0; i < MAX_RX && r == NULL; i++) if (rxs[i].refs == 0) r = &rxs[i];
  if (r == NULL) { *err = ENOSPC; return NULL; }
  bool v6 = local->ss_family == AF_INET6;
  int fd = socket(local->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) { *err = errno; return NULL; }
  int one = 1, ttl = 255;
  if (v6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one);
    /* RFC 5881 5: the kernel drops single-hop packets that crossed a router. */
    if (!multihop) setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &ttl, sizeof ttl);
  } else {
    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
    if (!multihop) setsockopt(fd, IPPROTO_IP, IP_MINTTL, &ttl, sizeof ttl);
  }
  if (bind(fd, (const struct sockaddr *)local, addr_len(local)) != 0) {
    *err = errno;
    close(fd);
    return NULL;
  }
  r->fd = fd;
  r->refs = 1;
  r->family = local->ss_family;
  r->port = ntohs(((const struct sockaddr_in *)local)->sin_port);
  r->addr = *local;
  return r;
}

static void rx_put(rxsock_t *r) {
  if (--r->refs == 0) {
    close(r->fd);
    r->fd = -1;
  }
}

/* RFC 5881 4: source port 49152-65535, TTL / hop limit 255; DSCP CS6 like routing protocols. */
static int tx_open(const struct sockaddr_storage *local, const struct sockaddr_storage *peer, int *err) {
  int fd = socket(peer->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) { *err = errno; return -1; }
  int ttl = 255, tos = 0xc0;
  if (peer->ss_family == AF_INET6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
    setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
  } else {
    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  }
  struct sockaddr_storage a = *local;
  for (int tries = 0;; tries++) {
    uint16_t port = (uint16_t)(49152 + (int)(rand01() * 16384));
    ((struct sockaddr_in *)&a)->sin_port = htons(port);
    if (bind(fd, (struct sockaddr *)&a, addr_len(&a)) == 0) break;
    if (errno != EADDRINUSE || tries > 100) { *err = errno; close(fd); return -1; }
  }
  if (connect(fd, (const struct sockaddr *)peer, addr_len(peer)) != 0) { *err = errno; close(fd); return -1; }
  return fd;
}

static void call_js(napi_env env, napi_value cb, void *ctx, void *data) {
  event_t *ev = data;
  if (env != NULL && cb != NULL) {
    napi_value o, v, undef;
    napi_create_object(env, &o);
    napi_create_string_utf8(env, ev->kind == 1 ? "rx" : "expire", NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, o, "type", v);
    napi_create_double(env, (double)ev->at / 1e6, &v);
    napi_set_named_property(env, o, "at", v);
    if (ev->kind == 1) {
      void *buf;
      napi_create_buffer_copy(env, ev->len, ev->pkt, &buf, &v);
      napi_set_named_property(env, o, "packet", v);
      napi_create_int32(env, ev->ttl, &v);
      napi_set_named_property(env, o, "ttl", v);
    } else {
      napi_create_uint32(env, ev->expiries, &v);
      napi_set_named_property(env, o, "expiries", v);
    }
    napi_get_undefined(env, &undef);
    napi_call_function(env, undef, cb, 1, &o, NULL);
  }
  free(ev);
}

static bool start_engine(void) {
  if (thread_alive) return true;
  if (wake_fd < 0) wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) return false;
  int e = start_detached_thread(engine, NULL);
  thread_alive = e == 0;
  return thread_alive;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2], v;
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  napi_valuetype t;
  if (argc != 2 || napi_typeof(env, a[1], &t) != napi_ok || t != napi_function) return throw_invalid(env, "open(opts, callback)");
  int32_t family = 0, min_ttl = 255;
  bool multihop = false;
  if (!get_prop(env, a[0], "family", &v, napi_number)) return throw_invalid(env, "family must be 4 or 6");
  napi_get_value_int32(env, v, &family);
  if (family != 4 && family != 6) return throw_invalid(env, "family must be 4 or 6");
  if (get_prop(env, a[0], "multihop", &v, napi_boolean)) napi_get_value_bool(env, v, &multihop);
  if (get_prop(env, a[0], "minTtl", &v, napi_number)) napi_get_value_int32(env, v, &min_ttl);
  int port = multihop ? 4784 : 3784;
  struct sockaddr_storage peer, local;
  if (!get_prop(env, a[0], "peer", &v, napi_string) || !parse_addr(env, v, family, port, &peer)) return throw_invalid(env, "peer must be an address of the family");
  if (get_prop(env, a[0], "local", &v, napi_string)) {
    if (!parse_addr(env, v, family, port, &local)) return throw_invalid(env, "local must be an address of the family");
  } else {
    memset(&local, 0, sizeof local);
    local.ss_family = family == 4 ? AF_INET : AF_INET6;
    ((struct sockaddr_in *)&local)->sin_port = htons((uint16_t)port);
  }
  pthread_mutex_lock(&lock);
  if (rng == 0 && getrandom(&rng, sizeof rng, 0) != sizeof rng) rng = (uint64_t)now_ns() | 1;
  if (rng == 0) rng = 1;
  int id = -1;
  for (int i = 0; i < MAX_SESSIONS && id < 0; i++) if (!sessions[i].used) id = i;
  int err = 0;
  if (id < 0) { pthread_mutex_unlock(&lock); return throw_errno(env, ENOSPC, "open (too many sessions)"); }
  rxsock_t *r = rx_get(&local, multihop, &err);
  if (r == NULL) { pthread_mutex_unlock(&lock); return throw_errno(env, err, multihop ? "bind to port 4784" : "bind to port 3784"); }
  int fd = tx_open(&local, &peer, &err);
  if (fd < 0) { rx_put(r); pthread_mutex_unlock(&lock); return throw_errno(env, err, "transmit socket"); }
  sess_t *s = &sessions[id];
  memset(s, 0, sizeof *s);
  napi_value name;
  napi_create_string_utf8(env, "floatd.bfd", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, a[1], NULL, name, 0, 1, NULL, NULL, NULL, call_js, &s->tsfn) != napi_ok) {
    close(fd);
    rx_put(r);
    pthread_mutex_unlock(&lock);
    return throw_invalid(env, "cannot create the callback");
  }
  s->family = family;
  s->port = port;
  s->multihop = multihop;
  s->min_ttl = min_ttl;
  s->peer = peer;
  s->tx_fd = fd;
  s->rx = r;
  s->tmpl[0] = 0x20;
  s->tmpl[2] = 3;
  s->local_tx_us = SLOW_TX_US;
  s->local_rx_us = SLOW_TX_US;
  s->remote_min_rx_us = 0; /* nothing goes out before the first update */
  s->used = true;
  live_sessions++;
  bool ok = start_engine();
  pthread_mutex_unlock(&lock);
  if (!ok) return throw_errno(env, EAGAIN, "thread");
  napi_create_int32(env, id, &v);
  return v;
}

static sess_t *get_sess(napi_env env, napi_value v) {
  int32_t id = -1;
  if (napi_get_value_int32(env, v, &id) != napi_ok || id < 0 || id >= MAX_SESSIONS || !sessions[id].used) return NULL;
  return &sessions[id];
}

static napi_value js_update(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6], res;
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint8_t *tmpl = NULL;
  size_t len = 0;
  uint32_t tx = 0, rx = 0, send_now = 0, seen = 0;
  if (argc != 6 || napi_get_buffer_info(env, a[1], (void **)&tmpl, &len) != napi_ok || len != HDR || napi_get_value_uint32(env, a[2], &tx) != napi_ok ||
      napi_get_value_uint32(env, a[3], &rx) != napi_ok || napi_get_value_uint32(env, a[4], &send_now) != napi_ok || napi_get_value_uint32(env, a[5], &seen) != napi_ok)
    return throw_invalid(env, "update(id, template (24 octets), txUs, rxUs, sendNow, expiriesSeen)");
  pthread_mutex_lock(&lock);
  sess_t *s = get_sess(env, a[0]);
  bool applied = false;
  if (s != NULL && seen == s->expiries) {
    bool first = s->remote_min_rx_us == 0 && s->last_tx == 0;
    uint32_t old = tx_interval_us(s);
    memcpy(s->tmpl, tmpl, HDR);
    s->local_tx_us = tx;
    s->local_rx_us = rx;
    if (first) s->remote_min_rx_us = 1; /* bfd.RemoteMinRxInterval starts at 1 us (6.8.1) */
    uint32_t iv = tx_interval_us(s);
    int64_t now = now_ns();
    if (first) s->next_tx = now;
    else if (iv != 0 && (old == 0 || iv < old)) {
      int64_t pulled = s->last_tx + jittered_ns(iv, s->tmpl[2]);
      if (pulled < s->next_tx) s->next_tx = pulled < now ? now : pulled;
    }
    s->send_now |= (int)(send_now & 3);
    if (state_of(s->tmpl) == 0) s->deadline = 0;
    applied = true;
    wake();
  }
  pthread_mutex_unlock(&lock);
  napi_get_boolean(env, applied, &res);
  return res;
}

static napi_value js_set_auth(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value a[4];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  uint32_t type = 0, key_id = 0;
  uint8_t *key = NULL;
  size_t len = 0;
  if (argc != 4 || napi_get_value_uint32(env, a[1], &type) != napi_ok || napi_get_value_uint32(env, a[2], &key_id) != napi_ok || napi_get_buffer_info(env, a[3], (void **)&key, &len) != napi_ok ||
      !(type == 0 || type == 1 || type == 4 || type == 5) || key_id > 255 || len > (type == 1 ? 16u : 20u) || (type != 0 && len == 0))
    return throw_invalid(env, "setAuth(id, type 0/1/4/5, keyId, key)");
  pthread_mutex_lock(&lock);
  sess_t *s = get_sess(env, a[0]);
  if (s != NULL) {
    s->auth_type = (int)type;
    s->key_id = (uint8_t)key_id;
    s->key_len = (int)len;
    memset(s->key, 0, sizeof s->key);
    memcpy(s->key, key, len);
    s->rcv_seq_known = false;
    if (getrandom(&s->xmit_seq, sizeof s->xmit_seq, 0) != sizeof s->xmit_seq) s->xmit_seq = (uint32_t)now_ns();
  }
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void close_locked(sess_t *s) {
  close(s->tx_fd);
  rx_put(s->rx);
  napi_release_threadsafe_function(s->tsfn, napi_tsfn_release);
  memset(s->key, 0, sizeof s->key);
  s->used = false;
  live_sessions--;
  wake();
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  pthread_mutex_lock(&lock);
  sess_t *s = argc == 1 ? get_sess(env, a[0]) : NULL;
  if (s != NULL) close_locked(s);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static napi_value js_now(napi_env env, napi_callback_info info) {
  napi_value v;
  napi_create_double(env, (double)now_ns() / 1e6, &v);
  return v;
}

static napi_value js_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1], o, v;
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  pthread_mutex_lock(&lock);
  sess_t *s = argc == 1 ? get_sess(env, a[0]) : NULL;
  if (s == NULL) {
    pthread_mutex_unlock(&lock);
    return throw_invalid(env, "stats(id): no such session");
  }
  double txc = (double)s->tx_count, rxc = (double)s->rx_count, gap = (double)s->max_gap / 1e6, late = (double)s->max_late / 1e6;
  bool rt = realtime;
  s->max_gap = 0;
  s->max_late = 0;
  pthread_mutex_unlock(&lock);
  napi_create_object(env, &o);
  napi_create_double(env, txc, &v);
  napi_set_named_property(env, o, "txCount", v);
  napi_create_double(env, rxc, &v);
  napi_set_named_property(env, o, "rxCount", v);
  napi_create_double(env, gap, &v);
  napi_set_named_property(env, o, "maxGapMs", v);
  napi_create_double(env, late, &v);
  napi_set_named_property(env, o, "maxLateMs", v);
  napi_get_boolean(env, rt, &v);
  napi_set_named_property(env, o, "realtime", v);
  return o;
}

/* The environment is going away: sockets close, the thread ends once it sees no session. */
static void cleanup(void *arg) {
  pthread_mutex_lock(&lock);
  for (int i = 0; i < MAX_SESSIONS; i++) {
    if (!sessions[i].used) continue;
    close(sessions[i].tx_fd);
    rx_put(sessions[i].rx);
    sessions[i].used = false;
  }
  live_sessions = 0;
  wake();
  pthread_mutex_unlock(&lock);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"update", NULL, js_update, NULL, NULL, NULL, napi_default, NULL},
      {"setAuth", NULL, js_set_auth, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"now", NULL, js_now, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, js_stats, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  napi_add_env_cleanup_hook(env, cleanup, NULL);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
