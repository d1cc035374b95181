/*
 * VRRP v3 I/O on a thread of its own (RFC 9568), for src/vrrp/.
 *
 * Node has no raw IP sockets, so this addon opens one for protocol 112 on an
 * interface, joined to 224.0.0.18 or ff02::12. Its thread owns the timing
 * that must survive a busy event loop (a full BGP table arriving, a GC):
 * - periodic adverts: JS hands over the packets (one per destination, the
 *   checksum already in) and the interval; the thread sends them on time;
 * - the master-down timer: armed by JS, and re-armed by the thread itself on
 *   each valid advert for the VRID with priority >= minPriority, for
 *   3 x interval + skew (RFC 9568 6.1), so a queued advert never lets it fire;
 * - gratuitous ARP (AF_PACKET) and unsolicited NA (ICMPv6, hop limit 255),
 *   repeated count times.
 * Every received advert for the VRID, and each timer expiry, goes to JS
 * through a thread-safe function; the state machine stays in JS.
 *
 * open({family, ifname, source, group, peers, vrid, vmac?}, callback) -> handle
 *   vmac: a macvlan on ifname holding the virtual MAC; adverts and GARP/NA
 *   leave by it (IPv4), adverts are still received on ifname (the macvlan
 *   is in bridge mode, so frames from the same MAC reach the parent).
 * adverts(handle, intervalMs, [Buffer...])   intervalMs 0 stops; first at once
 * send(handle, [Buffer...])                  one advert to each destination now
 * timer(handle, gen, ms, localPriority, minPriority)  ms < 0 cancels
 * announce(handle, [address...], count, intervalMs)
 * close(handle)
 * Packets are given in destination order: the group, or else each peer.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VRRP_PROTO 112
#define MAX_DEST 16
#define MAX_PKT 1500
#define MAX_ANN 64

typedef union {
  struct sockaddr sa;
  struct sockaddr_in v4;
  struct sockaddr_in6 v6;
} addr_t;

typedef struct {
  int family, ifindex, vrid, fd, wake, ann_fd;
  /* Adverts and announcements leave by this socket and interface: the VRRP
     socket and the interface, or with a virtual MAC the macvlan (RFC 9568 7.3). */
  int tx_fd, tx_ifindex;
  unsigned char mac[6];
  addr_t source, dest[MAX_DEST];
  int ndest;
  pthread_t thread;
  pthread_mutex_t lock;
  bool stop, started;
  /* Under lock: the advert template and the timers, as deadlines in ms. */
  unsigned char *pkt[MAX_DEST];
  size_t pktlen[MAX_DEST];
  int npkt;
  double interval_ms, next_tx;
  double down_at;
  int gen, local_prio, min_prio;
  unsigned char ann[MAX_ANN][16];
  int nann, ann_left;
  double ann_every, ann_next;
  napi_threadsafe_function tsfn;
} inst_t;

typedef struct {
  int kind; /* 0 advert, 1 timer, 2 error */
  int gen, ttl;
  char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], msg[128];
  size_t len;
  unsigned char data[];
} event_t;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void emit(inst_t *in, event_t *e) {
  if (napi_call_threadsafe_function(in->tsfn, e, napi_tsfn_nonblocking) != napi_ok) free(e);
}

static void emit_error(inst_t *in, const char *what) {
  event_t *e = calloc(1, sizeof *e);
  if (e == NULL) return;
  e->kind = 2;
  snprintf(e->msg, sizeof e->msg, "%s: %s", what, strerror(errno));
  emit(in, e);
}

static uint32_t sum16(const unsigned char *b, size_t n, uint32_t s) {
  for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)(b[i] << 8 | b[i + 1]);
  if (n & 1) s += (uint32_t)b[n - 1] << 8;
  return s;
}

static uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

/* RFC 9568 5.2.8, or either variant keepalived accepts (see src/vrrp/packet.ts). */
static bool checksum_ok(int family, const unsigned char *src, const unsigned char *dst, const unsigned char *m, size_t n) {
  size_t al = family == AF_INET ? 4 : 16;
  static const unsigned char g4[4] = {224, 0, 0, 18};
  static const unsigned char g6[16] = {0xff, 0x02, [15] = 0x12};
  uint16_t got = (uint16_t)(m[6] << 8 | m[7]);
  uint32_t body = sum16(m, n, 0) - got;
  uint32_t tail = VRRP_PROTO + (uint32_t)n;
  if (fold(body) == got) return true;
  if (fold(body + sum16(src, al, 0) + sum16(dst, al, 0) + tail) == got) return true;
  return fold(body + sum16(src, al, 0) + sum16(family == AF_INET ? g4 : g6, al, 0) + tail) == got;
}

/* The thread's own check of an advert: the master-down timer is re-armed here, without JS. */
static void on_advert(inst_t *in, const unsigned char *src, const unsigned char *dst, bool mcast, int ttl, const unsigned char *m, size_t n) {
  size_t al = in->family == AF_INET ? 4 : 16;
  if (n < 8 || m[0] != 0x31 || m[1] != in->vrid || n < 8 + m[3] * al) return;
  if (mcast && ttl != 255) return; /* RFC 9568 7.1; unicast adverts from keepalived over IPv6 carry 64 */
  if (!checksum_ok(in->family, src, dst, m, n)) return;
  int prio = m[2];
  double adv = (double)(((m[4] & 0x0f) << 8) | m[5]) * 10;
  pthread_mutex_lock(&in->lock);
  if (in->down_at > 0 && prio > 0 && prio >= in->min_prio && adv > 0) in->down_at = now_ms() + 3 * adv + (256 - in->local_prio) * adv / 256;
  pthread_mutex_unlock(&in->lock);
  event_t *e = calloc(1, sizeof *e + n);
  if (e == NULL) return;
  e->kind = 0;
  e->ttl = ttl;
  e->len = n;
  memcpy(e->data, m, n);
  inet_ntop(in->family, src, e->src, sizeof e->src);
  inet_ntop(in->family, dst, e->dst, sizeof e->dst);
  emit(in, e);
}

static void receive(inst_t *in) {
  unsigned char buf[MAX_PKT + 64], ctl[256];
  for (int i = 0; i < 64; i++) {
    addr_t from;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    ssize_t got = recvmsg(in->fd, &mh, MSG_DONTWAIT);
    if (got < 0) return;
    if (in->family == AF_INET) {
      /* IPv4 raw sockets hand over the IP header too. */
      if (got < 20) continue;
      size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
      if ((size_t)got < ihl || buf[9] != VRRP_PROTO) continue;
      on_advert(in, buf + 12, buf + 16, buf[16] == 224 && buf[17] == 0 && buf[18] == 0 && buf[19] == 18, buf[8], buf + ihl, (size_t)got - ihl);
    } else {
      int hops = -1;
      struct in6_addr dst = IN6ADDR_ANY_INIT;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != IPPROTO_IPV6) continue;
        if (c->cmsg_type == IPV6_HOPLIMIT) memcpy(&hops, CMSG_DATA(c), sizeof hops);
        if (c->cmsg_type == IPV6_PKTINFO) dst = ((struct in6_pktinfo *)CMSG_DATA(c))->ipi6_addr;
      }
      on_advert(in, from.v6.sin6_addr.s6_addr, dst.s6_addr, dst.s6_addr[0] == 0xff && dst.s6_addr[1] == 0x02 && dst.s6_addr[15] == 0x12, hops, buf, (size_t)got);
    }
  }
}

/* One packet per destination, from the configured source address (IP_PKTINFO / IPV6_PKTINFO). */
static void send_all(inst_t *in, unsigned char **pkt, size_t *len, int n) {
  for (int i = 0; i < n && i < in->ndest; i++) {
    unsigned char ctl[64] = {0};
    struct iovec iov = {pkt[i], len[i]};
    struct msghdr mh = {.msg_name = &in->dest[i], .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl};
    struct cmsghdr *c = (struct cmsghdr *)ctl;
    if (in->family == AF_INET) {
      mh.msg_namelen = sizeof(struct sockaddr_in);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
      struct in_pktinfo pi = {.ipi_ifindex = in->tx_ifindex, .ipi_spec_dst = in->source.v4.sin_addr};
      memcpy(CMSG_DATA(c), &pi, sizeof pi);
      mh.msg_controllen = CMSG_SPACE(sizeof pi);
    } else {
      mh.msg_namelen = sizeof(struct sockaddr_in6);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
      struct in6_pktinfo pi = {.ipi6_addr = in->source.v6.sin6_addr, .ipi6_ifindex = (unsigned)in->ifindex};
      memcpy(CMSG_DATA(c), &pi, sizeof pi);
      mh.msg_controllen = CMSG_SPACE(sizeof pi);
    }
    if (sendmsg(in->tx_fd, &mh, MSG_DONTWAIT) < 0) emit_error(in, "sending an advert");
  }
}

/* Gratuitous ARP request (sender = target = the address) or unsolicited NA with the Override flag;
   from the virtual MAC when there is one (RFC 9568 7.3, 8.1.2). */
static void announce_round(inst_t *in, unsigned char (*addrs)[16], int n) {
  for (int i = 0; i < n; i++) {
    if (in->family == AF_INET) {
      unsigned char f[42];
      memset(f, 0xff, 6);
      memcpy(f + 6, in->mac, 6);
      f[12] = 0x08, f[13] = 0x06;                  /* ARP */
      f[14] = 0, f[15] = 1, f[16] = 8, f[17] = 0;  /* Ethernet, IPv4 */
      f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;  /* request */
      memcpy(f + 22, in->mac, 6);
      memcpy(f + 28, addrs[i], 4);
      memset(f + 32, 0, 6);
      memcpy(f + 38, addrs[i], 4);
      struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = in->tx_ifindex, .sll_halen = 6};
      memset(ll.sll_addr, 0xff, 6);
      if (sendto(in->ann_fd, f, sizeof f, MSG_DONTWAIT, (struct sockaddr *)&ll, sizeof ll) < 0) emit_error(in, "sending a gratuitous ARP");
    } else {
      unsigned char p[32] = {ND_NEIGHBOR_ADVERT, 0, 0, 0, 0x20}; /* Override; checksum by the kernel */
      memcpy(p + 8, addrs[i], 16);
      p[24] = ND_OPT_TARGET_LINKADDR, p[25] = 1;
      memcpy(p + 26, in->mac, 6);
      struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)in->tx_ifindex};
      inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
      if (sendto(in->ann_fd, p, sizeof p, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to) < 0) emit_error(in, "sending a neighbour advertisement");
    }
  }
}

static void *run(void *arg) {
  inst_t *in = arg;
  unsigned char *pkt[MAX_DEST];
  size_t len[MAX_DEST];
  unsigned char ann[MAX_ANN][16];
  for (;;) {
    double now = now_ms(), wait = 1000;
    int npkt = 0, nann = 0;
    bool fire = false;
    int gen = 0;
    pthread_mutex_lock(&in->lock);
    if (in->stop) {
      pthread_mutex_unlock(&in->lock);
      break;
    }
    if (in->interval_ms > 0 && now >= in->next_tx) {
      /* Copies, so JS may swap the template while they go out. */
      for (int i = 0; i < in->npkt; i++) {
        pkt[i] = malloc(in->pktlen[i]);
        if (pkt[i] == NULL) break;
        memcpy(pkt[i], in->pkt[i], in->pktlen[i]);
        len[i] = in->pktlen[i];
        npkt = i + 1;
      }
      /* Deadlines, not sleeps: a late wake-up does not shift the later adverts. */
      in->next_tx += in->interval_ms;
      if (in->next_tx < now) in->next_tx = now + in->interval_ms;
    }
    if (in->down_at > 0 && now >= in->down_at) {
      fire = true;
      gen = in->gen;
      in->down_at = 0;
    }
    if (in->ann_left > 0 && now >= in->ann_next) {
      nann = in->nann;
      memcpy(ann, in->ann, sizeof ann);
      in->ann_left--;
      in->ann_next = now + in->ann_every;
    }
    if (in->interval_ms > 0) wait = in->next_tx - now;
    if (in->down_at > 0 && in->down_at - now < wait) wait = in->down_at - now;
    if (in->ann_left > 0 && in->ann_next - now < wait) wait = in->ann_next - now;
    pthread_mutex_unlock(&in->lock);
    if (npkt > 0) {
      send_all(in, pkt, len, npkt);
      for (int i = 0; i < npkt; i++) free(pkt[i]);
    }
    if (nann > 0) announce_round(in, ann, nann);
    if (fire) {
      event_t *e = calloc(1, sizeof *e);
      if (e != NULL) {
        e->kind = 1;
        e->gen = gen;
        emit(in, e);
      }
    }
    if (npkt > 0 || nann > 0 || fire) continue;
    struct pollfd p[2] = {{.fd = in->fd, .events = POLLIN}, {.fd = in->wake, .events = POLLIN}};
    int ms = wait < 0 ? 0 : (int)wait + (wait > (int)wait ? 1 : 0);
    if (poll(p, 2, ms) < 0 && errno != EINTR) {
      emit_error(in, "poll");
      break;
    }
    if (p[1].revents & POLLIN) {
      uint64_t v;
      if (read(in->wake, &v, sizeof v) < 0) { /* a spurious wake-up costs one loop */ }
    }
    if (p[0].revents & POLLIN) receive(in);
  }
  return NULL;
}

#include "vrrp-js.h"
