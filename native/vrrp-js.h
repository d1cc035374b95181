/*
 * The JS side of native/vrrp.c: argument checks, socket set-up, the calls that
 * change what the thread does, and events delivered on the JS thread.
 * Errors are thrown with `code` = the errno name or EINVAL.
 */

static napi_value fail(napi_env env, int err, const char *what) {
  char msg[200];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == EPERM || err == EACCES ? "EPERM" : err == ENODEV ? "ENODEV" : err == EINVAL ? "EINVAL" : "EVRRPIO", msg);
  return NULL;
}

static napi_value bad_arg(napi_env env, const char *msg) {
  napi_throw_type_error(env, "EINVAL", msg);
  return NULL;
}

static bool str_prop(napi_env env, napi_value o, const char *k, char *out, size_t n) {
  napi_value v;
  size_t got;
  return napi_get_named_property(env, o, k, &v) == napi_ok && napi_get_value_string_utf8(env, v, out, n, &got) == napi_ok && got < n - 1;
}

static int32_t int_prop(napi_env env, napi_value o, const char *k) {
  napi_value v;
  int32_t r = -1;
  if (napi_get_named_property(env, o, k, &v) == napi_ok) napi_get_value_int32(env, v, &r);
  return r;
}

static bool to_addr(int family, const char *text, int ifindex, addr_t *a) {
  memset(a, 0, sizeof *a);
  if (family == AF_INET) {
    a->v4.sin_family = AF_INET;
    return inet_pton(AF_INET, text, &a->v4.sin_addr) == 1;
  }
  a->v6.sin6_family = AF_INET6;
  a->v6.sin6_scope_id = (uint32_t)ifindex;
  return inet_pton(AF_INET6, text, &a->v6.sin6_addr) == 1;
}

static void deliver(napi_env env, napi_value cb, void *ctx, void *data) {
  event_t *e = data;
  if (env != NULL && cb != NULL) {
    napi_value o, v, undef;
    napi_create_object(env, &o);
    static const char *kinds[] = {"advert", "timer", "error"};
    napi_create_string_utf8(env, kinds[e->kind], NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, o, "kind", v);
    if (e->kind == 0) {
      napi_create_string_utf8(env, e->src, NAPI_AUTO_LENGTH, &v);
      napi_set_named_property(env, o, "source", v);
      napi_create_string_utf8(env, e->dst, NAPI_AUTO_LENGTH, &v);
      napi_set_named_property(env, o, "destination", v);
      napi_create_int32(env, e->ttl, &v);
      napi_set_named_property(env, o, "ttl", v);
      napi_create_buffer_copy(env, e->len, e->data, NULL, &v);
      napi_set_named_property(env, o, "data", v);
    } else if (e->kind == 1) {
      napi_create_int32(env, e->gen, &v);
      napi_set_named_property(env, o, "gen", v);
    } else {
      napi_create_string_utf8(env, e->msg, NAPI_AUTO_LENGTH, &v);
      napi_set_named_property(env, o, "message", v);
    }
    napi_get_undefined(env, &undef);
    napi_call_function(env, undef, cb, 1, &o, NULL);
  }
  free(e);
}

static void wake(inst_t *in) {
  uint64_t one = 1;
  if (write(in->wake, &one, sizeof one) < 0) { /* the counter cannot overflow here */ }
}

static void shut(inst_t *in) {
  pthread_mutex_lock(&in->lock);
  bool was = in->started;
  in->stop = true;
  in->started = false;
  pthread_mutex_unlock(&in->lock);
  if (!was) return;
  wake(in);
  pthread_join(in->thread, NULL);
  close(in->fd);
  close(in->wake);
  if (in->ann_fd >= 0) close(in->ann_fd);
  if (in->tx_fd != in->fd) close(in->tx_fd);
  for (int i = 0; i < in->npkt; i++) free(in->pkt[i]);
  in->npkt = 0;
  napi_release_threadsafe_function(in->tsfn, napi_tsfn_release);
}

static void finalize(napi_env env, void *data, void *hint) {
  inst_t *in = data;
  shut(in);
  pthread_mutex_destroy(&in->lock);
  free(in);
}

static inst_t *get_inst(napi_env env, napi_value v) {
  inst_t *in = NULL;
  if (napi_get_value_external(env, v, (void **)&in) != napi_ok || in == NULL || !in->started) return NULL;
  return in;
}

static int sopt(int fd, int level, int name, const void *v, socklen_t n) { return setsockopt(fd, level, name, v, n); }

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  char ifname[IF_NAMESIZE], vmac[IF_NAMESIZE] = "", src[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
  if (argc != 2 || !str_prop(env, a[0], "ifname", ifname, sizeof ifname) || !str_prop(env, a[0], "source", src, sizeof src)) return bad_arg(env, "open({family, ifname, source, group, peers, vrid}, callback)");
  int fam = int_prop(env, a[0], "family") == 6 ? AF_INET6 : AF_INET, vrid = int_prop(env, a[0], "vrid");
  if (vrid < 1 || vrid > 255) return bad_arg(env, "vrid must be 1..255");
  unsigned idx = if_nametoindex(ifname);
  if (idx == 0) return fail(env, ENODEV, ifname);
  bool has_vmac = false;
  napi_value vv;
  napi_valuetype vt = napi_undefined;
  if (napi_get_named_property(env, a[0], "vmac", &vv) == napi_ok) napi_typeof(env, vv, &vt);
  if (vt == napi_string) {
    if (!str_prop(env, a[0], "vmac", vmac, sizeof vmac)) return bad_arg(env, "vmac must be an interface name");
    if (fam != AF_INET) return bad_arg(env, "a virtual MAC is for IPv4 instances");
    has_vmac = true;
  }
  unsigned vidx = has_vmac ? if_nametoindex(vmac) : idx;
  if (vidx == 0) return fail(env, ENODEV, vmac);
  inst_t *in = calloc(1, sizeof *in);
  if (in == NULL) return fail(env, ENOMEM, "open");
  pthread_mutex_init(&in->lock, NULL);
  in->family = fam, in->ifindex = (int)idx, in->vrid = vrid, in->ann_fd = -1, in->tx_ifindex = (int)vidx;
  napi_value h;
  napi_create_external(env, in, finalize, NULL, &h);
  if (!to_addr(fam, src, in->ifindex, &in->source)) return bad_arg(env, "source is not an address of the family");
  bool group = false;
  napi_value v;
  if (napi_get_named_property(env, a[0], "group", &v) == napi_ok) napi_get_value_bool(env, v, &group);
  if (group) to_addr(fam, fam == AF_INET ? "224.0.0.18" : "ff02::12", in->ifindex, &in->dest[in->ndest++]);
  uint32_t np = 0;
  if (napi_get_named_property(env, a[0], "peers", &v) == napi_ok) napi_get_array_length(env, v, &np);
  for (uint32_t i = 0; i < np && in->ndest < MAX_DEST; i++) {
    napi_value e;
    size_t got;
    napi_get_element(env, v, i, &e);
    if (napi_get_value_string_utf8(env, e, peer, sizeof peer, &got) != napi_ok || !to_addr(fam, peer, in->ifindex, &in->dest[in->ndest++])) return bad_arg(env, "peers must be addresses of the family");
  }
  if (in->ndest == 0) return bad_arg(env, "no destination: neither the group nor a peer");
  int on = 1, off = 0, ttl = 255;
  in->fd = socket(fam, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_PROTO);
  if (in->fd < 0) return fail(env, errno, "socket(VRRP)");
  int err = sopt(in->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
  if (fam == AF_INET) {
    struct ip_mreqn mr = {.imr_ifindex = in->ifindex};
    err = err ? err : sopt(in->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr);
    err = err ? err : sopt(in->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    err = err ? err : sopt(in->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    err = err ? err : sopt(in->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof off);
    inet_pton(AF_INET, "224.0.0.18", &mr.imr_multiaddr);
    if (group) err = err ? err : sopt(in->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr);
  } else {
    err = err ? err : sopt(in->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &in->ifindex, sizeof in->ifindex);
    err = err ? err : sopt(in->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl);
    err = err ? err : sopt(in->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
    err = err ? err : sopt(in->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof off);
    err = err ? err : sopt(in->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
    err = err ? err : sopt(in->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    struct ipv6_mreq mr = {.ipv6mr_interface = idx};
    inet_pton(AF_INET6, "ff02::12", &mr.ipv6mr_multiaddr);
    if (group) err = err ? err : sopt(in->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof mr);
  }
  int e = errno;
  if (err != 0) {
    close(in->fd);
    return fail(env, e, "setting up the VRRP socket");
  }
  in->tx_fd = in->fd;
  if (has_vmac) {
    /* A socket for sending only, bound to the macvlan: it accepts no packet, the VRRP socket above receives. */
    struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog prog = {1, &none};
    struct ip_mreqn mr = {.imr_ifindex = (int)vidx};
    in->tx_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_PROTO);
    err = in->tx_fd < 0 ? -1 : sopt(in->tx_fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
    err = err ? err : sopt(in->tx_fd, SOL_SOCKET, SO_BINDTODEVICE, vmac, (socklen_t)strlen(vmac));
    err = err ? err : sopt(in->tx_fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr);
    err = err ? err : sopt(in->tx_fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    err = err ? err : sopt(in->tx_fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    err = err ? err : sopt(in->tx_fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof off);
    e = errno;
    if (err != 0) {
      close(in->fd);
      if (in->tx_fd >= 0) close(in->tx_fd);
      return fail(env, e, "setting up the virtual MAC socket");
    }
  }
  /* ARP goes out as an Ethernet frame; NA from an ICMPv6 socket with hop limit 255 (RFC 4861 7.1.2). */
  in->ann_fd = fam == AF_INET ? socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP)) : socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  struct ifreq ifr = {0};
  memcpy(ifr.ifr_name, has_vmac ? vmac : ifname, strlen(has_vmac ? vmac : ifname));
  err = in->ann_fd < 0 || ioctl(in->fd, SIOCGIFHWADDR, &ifr) < 0 ? -1 : 0;
  if (err == 0 && fam == AF_INET6) {
    err = sopt(in->ann_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl);
    err = err ? err : sopt(in->ann_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &in->ifindex, sizeof in->ifindex);
  }
  e = errno;
  if (err != 0) {
    close(in->fd);
    if (in->tx_fd != in->fd) close(in->tx_fd);
    if (in->ann_fd >= 0) close(in->ann_fd);
    return fail(env, e, "setting up the ARP/NA socket");
  }
  memcpy(in->mac, ifr.ifr_hwaddr.sa_data, 6);
  in->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  napi_value name;
  napi_create_string_utf8(env, "floatd.vrrp", NAPI_AUTO_LENGTH, &name);
  napi_create_threadsafe_function(env, a[1], NULL, name, 1024, 1, NULL, NULL, NULL, deliver, &in->tsfn);
  /* Signals stay with the event loop's thread. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int te = pthread_create(&in->thread, NULL, run, in);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (te != 0) {
    close(in->fd), close(in->ann_fd), close(in->wake);
    if (in->tx_fd != in->fd) close(in->tx_fd);
    napi_release_threadsafe_function(in->tsfn, napi_tsfn_abort);
    return fail(env, te, "starting the VRRP thread");
  }
  in->started = true;
  return h;
}

/* Buffers from a JS array into malloc'd copies; returns the count or -1. */
static int take_packets(napi_env env, napi_value arr, unsigned char **pkt, size_t *len) {
  uint32_t n = 0;
  if (napi_get_array_length(env, arr, &n) != napi_ok || n > MAX_DEST) return -1;
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    void *d;
    size_t l;
    napi_get_element(env, arr, i, &e);
    if (napi_get_buffer_info(env, e, &d, &l) != napi_ok || l < 8 || l > MAX_PKT || (pkt[i] = malloc(l)) == NULL) {
      while (i > 0) free(pkt[--i]);
      return -1;
    }
    memcpy(pkt[i], d, l);
    len[i] = l;
  }
  return (int)n;
}

static napi_value js_adverts(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value a[3];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  inst_t *in = argc == 3 ? get_inst(env, a[0]) : NULL;
  double ms = 0;
  unsigned char *pkt[MAX_DEST];
  size_t len[MAX_DEST];
  int n = in == NULL || napi_get_value_double(env, a[1], &ms) != napi_ok ? -1 : take_packets(env, a[2], pkt, len);
  if (n < 0) return bad_arg(env, "adverts(handle, intervalMs, [Buffer...])");
  pthread_mutex_lock(&in->lock);
  for (int i = 0; i < in->npkt; i++) free(in->pkt[i]);
  memcpy(in->pkt, pkt, sizeof pkt[0] * (size_t)n);
  memcpy(in->pktlen, len, sizeof len[0] * (size_t)n);
  in->npkt = n;
  /* A new template keeps the phase; starting sends at once. */
  if (ms > 0 && in->interval_ms <= 0) in->next_tx = now_ms();
  in->interval_ms = ms > 0 ? ms : 0;
  pthread_mutex_unlock(&in->lock);
  wake(in);
  return NULL;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  inst_t *in = argc == 2 ? get_inst(env, a[0]) : NULL;
  unsigned char *pkt[MAX_DEST];
  size_t len[MAX_DEST];
  int n = in == NULL ? -1 : take_packets(env, a[1], pkt, len);
  if (n < 0) return bad_arg(env, "send(handle, [Buffer...])");
  send_all(in, pkt, len, n);
  for (int i = 0; i < n; i++) free(pkt[i]);
  return NULL;
}

static napi_value js_timer(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  inst_t *in = argc == 5 ? get_inst(env, a[0]) : NULL;
  double ms = 0;
  int32_t gen = 0, local = 0, minp = 0;
  if (in == NULL || napi_get_value_int32(env, a[1], &gen) != napi_ok || napi_get_value_double(env, a[2], &ms) != napi_ok || napi_get_value_int32(env, a[3], &local) != napi_ok ||
      napi_get_value_int32(env, a[4], &minp) != napi_ok)
    return bad_arg(env, "timer(handle, gen, ms, localPriority, minPriority)");
  pthread_mutex_lock(&in->lock);
  in->gen = gen, in->local_prio = local, in->min_prio = minp;
  in->down_at = ms < 0 ? 0 : now_ms() + ms + 1e-3;
  pthread_mutex_unlock(&in->lock);
  wake(in);
  return NULL;
}

static napi_value js_announce(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value a[4];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  inst_t *in = argc == 4 ? get_inst(env, a[0]) : NULL;
  uint32_t n = 0;
  int32_t count = 0, every = 0;
  if (in == NULL || napi_get_array_length(env, a[1], &n) != napi_ok || n > MAX_ANN || napi_get_value_int32(env, a[2], &count) != napi_ok || napi_get_value_int32(env, a[3], &every) != napi_ok)
    return bad_arg(env, "announce(handle, [address...], count, intervalMs)");
  unsigned char addrs[MAX_ANN][16];
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    char t[INET6_ADDRSTRLEN];
    size_t got;
    napi_get_element(env, a[1], i, &e);
    if (napi_get_value_string_utf8(env, e, t, sizeof t, &got) != napi_ok || inet_pton(in->family, t, addrs[i]) != 1) return bad_arg(env, "addresses must be of the family");
  }
  pthread_mutex_lock(&in->lock);
  memcpy(in->ann, addrs, sizeof addrs);
  in->nann = (int)n, in->ann_left = count, in->ann_every = every, in->ann_next = now_ms();
  pthread_mutex_unlock(&in->lock);
  wake(in);
  return NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  inst_t *in = NULL;
  if (argc == 1 && napi_get_value_external(env, a[0], (void **)&in) == napi_ok && in != NULL) shut(in);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},       {"adverts", NULL, js_adverts, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},       {"timer", NULL, js_timer, NULL, NULL, NULL, napi_default, NULL},
      {"announce", NULL, js_announce, NULL, NULL, NULL, napi_default, NULL}, {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
