/*
 * systemd's notification protocol (sd_notify(3)): one datagram on the
 * AF_UNIX socket named by $NOTIFY_SOCKET. Node's dgram module has no
 * AF_UNIX datagram sockets and a child process per watchdog ping would
 * defeat the point (the ping must prove floatd's own event loop runs), so
 * this addon sends the datagram from the calling thread. Linux only.
 *
 * send(path, message): path is a filesystem path or, with a leading '@',
 * an abstract socket name. Errors are thrown with `code` set to the errno
 * name.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_MESSAGE 4096

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  const char *name = strerrorname_np(err);
  napi_throw_error(env, name ? name : "EIO", msg);
  return NULL;
}

static napi_value send_js(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, "EINVAL", "send(path, message) needs two strings");
    return NULL;
  }
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t path_len = 0;
  if (napi_get_value_string_utf8(env, argv[0], addr.sun_path, sizeof addr.sun_path, &path_len) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "the socket path must be a string");
    return NULL;
  }
  if (path_len == 0 || path_len >= sizeof addr.sun_path - 1) {
    napi_throw_error(env, "ENAMETOOLONG", "the notification socket path is empty or too long");
    return NULL;
  }
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  char message[MAX_MESSAGE];
  size_t message_len = 0;
  if (napi_get_value_string_utf8(env, argv[1], message, sizeof message, &message_len) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "the message must be a string");
    return NULL;
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket(AF_UNIX, SOCK_DGRAM)");
  socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len);
  ssize_t n = sendto(fd, message, message_len, MSG_NOSIGNAL, (struct sockaddr *)&addr, len);
  int err = errno;
  close(fd);
  if (n < 0) return throw_errno(env, err, "sendto($NOTIFY_SOCKET)");
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"send", NULL, send_js, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
