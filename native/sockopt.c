/*
 * Socket options for BGP sessions that Node's net module does not expose.
 *
 * BGP peers commonly require TCP MD5 signatures (TCP_MD5SIG, RFC 2385) and the
 * Generalized TTL Security Mechanism (IP_MINTTL / IPV6_MINHOPCOUNT, RFC 5082),
 * and eBGP multihop needs a chosen TTL (IP_TTL / IPV6_UNICAST_HOPS). Node sets
 * none of these on TCP sockets, and the MD5 key must be in place before the
 * SYN leaves. So this addon creates the non-blocking TCP socket itself,
 * applies the options (and the local bind), and returns the descriptor for
 * net.Socket / net.Server to adopt. It also changes the options on existing
 * descriptors, e.g. a listener's peer keys at run time. Linux only.
 *
 * Errors are thrown as JS errors whose `code` is the errno name ('EINVAL',
 * 'ENOENT', ...) and whose message names the option. Keys never appear in
 * messages.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73 /* linux/in6.h; not in every libc header */
#endif
#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif

#define KEY_MAX TCP_MD5SIG_MAXKEYLEN /* 80 octets */
#define MAX_MD5_PEERS 64
#define ADDR_TEXT_MAX 64

static const char *errno_name(int err) {
  switch (err) {
  case EINVAL: return "EINVAL";
  case ENOENT: return "ENOENT";
  case EPERM: return "EPERM";
  case EACCES: return "EACCES";
  case EBADF: return "EBADF";
  case ENOTSOCK: return "ENOTSOCK";
  case ENOPROTOOPT: return "ENOPROTOOPT";
  case EADDRINUSE: return "EADDRINUSE";
  case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case ENOMEM: return "ENOMEM";
  case ENOBUFS: return "ENOBUFS";
  case EMFILE: return "EMFILE";
  case ENFILE: return "ENFILE";
  default: {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
    const char *name = strerrorname_np(err);
    if (name != NULL) return name;
#endif
    return "EUNKNOWN";
  }
  }
}

/*
 * Throws an Error shaped like Node's system errors: code = errno name,
 * syscall = the failing call, message naming the call and the option.
 */
static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *option) {
  char msg[160];
  napi_value code, text, error, sys;
  if (option != NULL) snprintf(msg, sizeof msg, "%s(%s): %s", syscall, option, strerror(err));
  else snprintf(msg, sizeof msg, "%s: %s", syscall, strerror(err));
  napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, error, "syscall", sys);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_invalid(napi_env env, const char *msg) {
  napi_throw_type_error(env, "EINVAL", msg);
  return NULL;
}

static bool bad(napi_env env, const char *msg) {
  throw_invalid(env, msg);
  return false;
}

static bool is_type(napi_env env, napi_value v, napi_valuetype want) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && t == want;
}

static bool is_absent(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return true;
  return t == napi_undefined || t == napi_null;
}

/* An integer in [lo, hi]; false if the value is not a number or out of range. */
static bool get_int(napi_env env, napi_value v, int64_t lo, int64_t hi, int64_t *out) {
  double d;
  if (!is_type(env, v, napi_number)) return false;
  if (napi_get_value_double(env, v, &d) != napi_ok) return false;
  if (d != d || d < (double)lo || d > (double)hi || d != (double)(int64_t)d) return false;
  *out = (int64_t)d;
  return true;
}

static bool get_family(napi_env env, napi_value v, int *family) {
  int64_t f;
  if (!get_int(env, v, 4, 6, &f) || (f != 4 && f != 6)) return false;
  *family = (int)f;
  return true;
}

static bool get_fd(napi_env env, napi_value v, int *fd) {
  int64_t n;
  if (!get_int(env, v, 0, INT32_MAX, &n)) return false;
  *fd = (int)n;
  return true;
}

static bool get_string(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len;
  if (!is_type(env, v, napi_string)) return false;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok || len >= size) return false;
  return napi_get_value_string_utf8(env, v, buf, size, &len) == napi_ok;
}

/*
 * Address text to a sockaddr of the socket's family. On an IPv6 socket an
 * IPv4 address becomes IPv4-mapped (::ffff:a.b.c.d), which is how the kernel
 * matches IPv4 peers of a dual-stack socket.
 */
static bool parse_addr(int family, const char *text, uint16_t port,
                       struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (family == 4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    if (inet_pton(AF_INET, text, &sin->sin_addr) != 1) return false;
    *len = sizeof *sin;
    return true;
  }
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  if (inet_pton(AF_INET6, text, &sin6->sin6_addr) != 1) {
    struct in_addr v4;
    if (inet_pton(AF_INET, text, &v4) != 1) return false;
    sin6->sin6_addr.s6_addr[10] = 0xff;
    sin6->sin6_addr.s6_addr[11] = 0xff;
    memcpy(&sin6->sin6_addr.s6_addr[12], &v4, 4);
  }
  *len = sizeof *sin6;
  return true;
}

/* A key given as a string (UTF-8 octets) or a Buffer; absent or empty means no key. */
static bool get_key(napi_env env, napi_value v, uint8_t key[KEY_MAX], size_t *keylen,
                    const char **problem) {
  *keylen = 0;
  if (is_absent(env, v)) return true;
  if (is_type(env, v, napi_string)) {
    size_t len;
    char tmp[KEY_MAX + 1];
    if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
      *problem = "TCP_MD5SIG key: cannot read string";
      return false;
    }
    if (len > KEY_MAX) {
      *problem = "TCP_MD5SIG key longer than 80 octets";
      return false;
    }
    if (napi_get_value_string_utf8(env, v, tmp, sizeof tmp, &len) != napi_ok) {
      *problem = "TCP_MD5SIG key: cannot read string";
      return false;
    }
    memcpy(key, tmp, len);
    memset(tmp, 0, sizeof tmp);
    *keylen = len;
    return true;
  }
  bool is_buf = false;
  if (napi_is_buffer(env, v, &is_buf) == napi_ok && is_buf) {
    void *data;
    size_t len;
    if (napi_get_buffer_info(env, v, &data, &len) != napi_ok) {
      *problem = "TCP_MD5SIG key: cannot read buffer";
      return false;
    }
    if (len > KEY_MAX) {
      *problem = "TCP_MD5SIG key longer than 80 octets";
      return false;
    }
    memcpy(key, data, len);
    *keylen = len;
    return true;
  }
  *problem = "TCP_MD5SIG key must be a string, a Buffer, or null";
  return false;
}

/* keylen 0 removes the key for that peer (the kernel answers ENOENT if there is none). */
static int set_md5(int fd, int family, const char *peer, const uint8_t *key, size_t keylen) {
  struct tcp_md5sig sig;
  socklen_t alen;
  memset(&sig, 0, sizeof sig);
  if (!parse_addr(family, peer, 0, &sig.tcpm_addr, &alen)) return EINVAL;
  sig.tcpm_keylen = (uint16_t)keylen;
  memcpy(sig.tcpm_key, key, keylen);
  int rc = setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig);
  int err = rc == 0 ? 0 : errno;
  memset(&sig, 0, sizeof sig);
  return err;
}

/*
 * An IPv6 socket also carries IPv4-mapped connections, which use the IPv4
 * options; so family 6 sets both levels.
 */
static int set_ttl(int fd, int family, int ttl) {
  if (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) != 0)
    return errno;
  if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) != 0) return errno;
  return 0;
}

static int set_min_ttl(int fd, int family, int min) {
  if (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &min, sizeof min) != 0)
    return errno;
  if (setsockopt(fd, IPPROTO_IP, IP_MINTTL, &min, sizeof min) != 0) return errno;
  return 0;
}

static int get_sockopt_int(int fd, int level, int name, int *out) {
  socklen_t len = sizeof *out;
  return getsockopt(fd, level, name, out, &len) == 0 ? 0 : errno;
}

static napi_value make_int(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

static napi_value get_prop(napi_env env, napi_value obj, const char *name) {
  napi_value v = NULL;
  napi_get_named_property(env, obj, name, &v);
  return v;
}

typedef struct {
  char address[ADDR_TEXT_MAX];
  uint8_t key[KEY_MAX];
  size_t keylen;
} md5_peer;

typedef struct {
  bool reuse;
  bool bind;
  char local[ADDR_TEXT_MAX];
  uint16_t port;
  int ttl;     /* -1: leave the default */
  int min_ttl; /* -1: leave the default */
  int backlog; /* > 0: listen(2) after bind */
  size_t npeers;
  md5_peer peers[MAX_MD5_PEERS];
} create_opts;

/* Reads and checks every option before any socket exists, so a bad option leaks nothing. */
static bool read_create_opts(napi_env env, int family, napi_value obj, create_opts *o) {
  memset(o, 0, sizeof *o);
  o->ttl = -1;
  o->min_ttl = -1;
  if (is_absent(env, obj)) return true;
  if (!is_type(env, obj, napi_object)) return bad(env, "createSocket: options must be an object");

  napi_value v = get_prop(env, obj, "reuseAddress");
  if (!is_absent(env, v)) {
    if (!is_type(env, v, napi_boolean)) return bad(env, "SO_REUSEADDR: reuseAddress must be a boolean");
    napi_get_value_bool(env, v, &o->reuse);
  }

  v = get_prop(env, obj, "localAddress");
  if (!is_absent(env, v)) {
    struct sockaddr_storage ss;
    socklen_t len;
    if (!get_string(env, v, o->local, sizeof o->local) || !parse_addr(family, o->local, 0, &ss, &len))
      return bad(env, "bind: localAddress is not an address of the socket's family");
    o->bind = true;
  }

  v = get_prop(env, obj, "localPort");
  if (!is_absent(env, v)) {
    int64_t port;
    if (!get_int(env, v, 0, 65535, &port)) return bad(env, "bind: localPort must be an integer 0..65535");
    o->port = (uint16_t)port;
    o->bind = true;
  }

  v = get_prop(env, obj, "ttl");
  if (!is_absent(env, v)) {
    int64_t ttl;
    if (!get_int(env, v, 1, 255, &ttl)) return bad(env, "IP_TTL: ttl must be an integer 1..255");
    o->ttl = (int)ttl;
  }

  v = get_prop(env, obj, "minTtl");
  if (!is_absent(env, v)) {
    int64_t min;
    if (!get_int(env, v, 0, 255, &min)) return bad(env, "IP_MINTTL: minTtl must be an integer 0..255");
    o->min_ttl = (int)min;
  }

  v = get_prop(env, obj, "backlog");
  if (!is_absent(env, v)) {
    int64_t backlog;
    if (!get_int(env, v, 1, 65535, &backlog)) return bad(env, "listen: backlog must be an integer 1..65535");
    o->backlog = (int)backlog;
  }

  v = get_prop(env, obj, "md5");
  if (!is_absent(env, v)) {
    bool is_array = false;
    uint32_t n = 0;
    if (napi_is_array(env, v, &is_array) != napi_ok || !is_array)
      return bad(env, "TCP_MD5SIG: md5 must be an array of { address, key }");
    napi_get_array_length(env, v, &n);
    if (n > MAX_MD5_PEERS) return bad(env, "TCP_MD5SIG: too many peers (at most 64)");
    for (uint32_t i = 0; i < n; i++) {
      napi_value item;
      md5_peer *p = &o->peers[i];
      struct sockaddr_storage ss;
      socklen_t len;
      const char *problem = NULL;
      if (napi_get_element(env, v, i, &item) != napi_ok || !is_type(env, item, napi_object))
        return bad(env, "TCP_MD5SIG: md5 entries must be objects");
      if (!get_string(env, get_prop(env, item, "address"), p->address, sizeof p->address) ||
          !parse_addr(family, p->address, 0, &ss, &len))
        return bad(env, "TCP_MD5SIG: peer address is not an address of the socket's family");
      if (!get_key(env, get_prop(env, item, "key"), p->key, &p->keylen, &problem))
        return bad(env, problem);
      if (p->keylen == 0) return bad(env, "TCP_MD5SIG: empty key for a peer");
      o->npeers = i + 1;
    }
  }
  return true;
}

/*
 * createSocket(family: 4|6, opts?) -> fd
 * opts: { reuseAddress, localAddress, localPort, ttl, minTtl, md5: [{ address, key }], backlog }.
 * With a backlog the socket also listens, so it is never reachable without its keys.
 */
static napi_value create_socket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int family;
  create_opts o;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || !get_family(env, argv[0], &family)) return throw_invalid(env, "createSocket: family must be 4 or 6");
  if (!read_create_opts(env, family, argc > 1 ? argv[1] : NULL, &o)) {
    memset(&o, 0, sizeof o);
    return NULL;
  }

  const char *syscall = "setsockopt";
  const char *option = NULL;
  int err = 0;
  int one = 1;
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    memset(&o, 0, sizeof o);
    return throw_errno(env, errno, "socket", NULL);
  }

  if (o.reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
    err = errno;
    option = "SO_REUSEADDR";
  }
  for (size_t i = 0; err == 0 && i < o.npeers; i++) {
    err = set_md5(fd, family, o.peers[i].address, o.peers[i].key, o.peers[i].keylen);
    option = "TCP_MD5SIG";
  }
  if (err == 0 && o.ttl >= 0) {
    err = set_ttl(fd, family, o.ttl);
    option = family == 4 ? "IP_TTL" : "IPV6_UNICAST_HOPS";
  }
  if (err == 0 && o.min_ttl >= 0) {
    err = set_min_ttl(fd, family, o.min_ttl);
    option = family == 4 ? "IP_MINTTL" : "IPV6_MINHOPCOUNT";
  }
  if (err == 0 && o.bind) {
    struct sockaddr_storage ss;
    socklen_t len;
    const char *local = o.local[0] != '\0' ? o.local : (family == 4 ? "0.0.0.0" : "::");
    if (!parse_addr(family, local, o.port, &ss, &len)) err = EINVAL;
    else if (bind(fd, (struct sockaddr *)&ss, len) != 0) err = errno;
    syscall = "bind";
    option = NULL;
  }
  if (err == 0 && o.backlog > 0) {
    if (listen(fd, o.backlog) != 0) err = errno;
    syscall = "listen";
    option = NULL;
  }
  memset(&o, 0, sizeof o);
  if (err != 0) {
    close(fd);
    return throw_errno(env, err, syscall, option);
  }
  return make_int(env, fd);
}

/* setMd5(fd, family, peerAddress, key | null) */
static napi_value set_md5_js(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int fd, family;
  char peer[ADDR_TEXT_MAX];
  uint8_t key[KEY_MAX];
  size_t keylen;
  const char *problem = NULL;
  struct sockaddr_storage ss;
  socklen_t len;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_invalid(env, "setMd5: expected (fd, family, peerAddress, key)");
  if (!get_fd(env, argv[0], &fd)) return throw_invalid(env, "TCP_MD5SIG: fd must be a descriptor number");
  if (!get_family(env, argv[1], &family)) return throw_invalid(env, "TCP_MD5SIG: family must be 4 or 6");
  if (!get_string(env, argv[2], peer, sizeof peer) || !parse_addr(family, peer, 0, &ss, &len))
    return throw_invalid(env, "TCP_MD5SIG: peer address is not an address of the socket's family");
  if (!get_key(env, argc > 3 ? argv[3] : NULL, key, &keylen, &problem)) return throw_invalid(env, problem);
  int err = set_md5(fd, family, peer, key, keylen);
  memset(key, 0, sizeof key);
  if (err != 0) return throw_errno(env, err, "setsockopt", keylen == 0 ? "TCP_MD5SIG, removing the key" : "TCP_MD5SIG");
  return NULL;
}

typedef int (*int_setter)(int fd, int family, int value);

static napi_value set_int_js(napi_env env, napi_callback_info info, int_setter set, int64_t lo,
                             const char *name4, const char *name6) {
  size_t argc = 3;
  napi_value argv[3];
  int fd, family;
  int64_t value;
  char msg[96];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || !get_fd(env, argv[0], &fd)) {
    snprintf(msg, sizeof msg, "%s: fd must be a descriptor number", name4);
    return throw_invalid(env, msg);
  }
  if (argc < 2 || !get_family(env, argv[1], &family)) {
    snprintf(msg, sizeof msg, "%s: family must be 4 or 6", name4);
    return throw_invalid(env, msg);
  }
  const char *name = family == 4 ? name4 : name6;
  if (argc < 3 || !get_int(env, argv[2], lo, 255, &value)) {
    snprintf(msg, sizeof msg, "%s: value must be an integer %d..255", name, (int)lo);
    return throw_invalid(env, msg);
  }
  int err = set(fd, family, (int)value);
  if (err != 0) return throw_errno(env, err, "setsockopt", name);
  return NULL;
}

/* setTtl(fd, family, ttl) */
static napi_value set_ttl_js(napi_env env, napi_callback_info info) {
  return set_int_js(env, info, set_ttl, 1, "IP_TTL", "IPV6_UNICAST_HOPS");
}

/* setMinTtl(fd, family, minTtl); 0 turns the check off */
static napi_value set_min_ttl_js(napi_env env, napi_callback_info info) {
  return set_int_js(env, info, set_min_ttl, 0, "IP_MINTTL", "IPV6_MINHOPCOUNT");
}

static napi_value get_int_js(napi_env env, napi_callback_info info, int level4, int name4,
                             int level6, int name6, const char *what4, const char *what6) {
  size_t argc = 2;
  napi_value argv[2];
  int fd, family, value;
  char msg[96];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || !get_fd(env, argv[0], &fd) || !get_family(env, argv[1], &family)) {
    snprintf(msg, sizeof msg, "getsockopt(%s): expected (fd, family 4|6)", what4);
    return throw_invalid(env, msg);
  }
  int err = family == 4 ? get_sockopt_int(fd, level4, name4, &value) : get_sockopt_int(fd, level6, name6, &value);
  if (err != 0) return throw_errno(env, err, "getsockopt", family == 4 ? what4 : what6);
  return make_int(env, value);
}

/* getTtl(fd, family) -> the TTL / hop limit outgoing unicast packets carry */
static napi_value get_ttl_js(napi_env env, napi_callback_info info) {
  return get_int_js(env, info, IPPROTO_IP, IP_TTL, IPPROTO_IPV6, IPV6_UNICAST_HOPS, "IP_TTL", "IPV6_UNICAST_HOPS");
}

/* getMinTtl(fd, family) -> the smallest TTL / hop limit accepted (0: no check) */
static napi_value get_min_ttl_js(napi_env env, napi_callback_info info) {
  return get_int_js(env, info, IPPROTO_IP, IP_MINTTL, IPPROTO_IPV6, IPV6_MINHOPCOUNT, "IP_MINTTL", "IPV6_MINHOPCOUNT");
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    {"createSocket", NULL, create_socket, NULL, NULL, NULL, napi_enumerable, NULL},
    {"setMd5", NULL, set_md5_js, NULL, NULL, NULL, napi_enumerable, NULL},
    {"setTtl", NULL, set_ttl_js, NULL, NULL, NULL, napi_enumerable, NULL},
    {"setMinTtl", NULL, set_min_ttl_js, NULL, NULL, NULL, napi_enumerable, NULL},
    {"getTtl", NULL, get_ttl_js, NULL, NULL, NULL, napi_enumerable, NULL},
    {"getMinTtl", NULL, get_min_ttl_js, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
