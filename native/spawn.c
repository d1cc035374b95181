/*
 * Runs a command off the event loop's thread, for health checks and hooks.
 *
 * Node's child_process.spawn forks the whole process on the event loop's
 * thread and waits there until the child has called exec. The fork copies the
 * page tables of a process holding tens or hundreds of MiB, which took 3 to
 * 40 ms per check on a busy 2-core machine: time in which no timer fires, no
 * socket is read and no WITHDRAW is written. Here a short-lived thread per
 * command does all of it: posix_spawn (vfork-style, no page tables copied),
 * reading the output, waiting for the exit through a pidfd, killing the
 * process group, and hands one result back through a thread-safe function.
 *
 * run(file, args, env, cwd, tailBytes, callback) -> handle
 *   file       program; without a '/', looked up on the PATH of `env` the way
 *              execvp does (relative entries from `cwd`; a file without #!
 *              runs with /bin/sh)
 *   args       argv[1..]
 *   env        ["NAME=value", ...], the whole environment of the command
 *   cwd        working directory or null
 *   tailBytes  how much of the output (stdout and stderr interleaved) to keep
 *   callback   called once with { pid, code, signal, output, aborted,
 *              spawnError, durationMs } (pid 0 and spawnError set when the
 *              command could not be started; code -1 when a signal ended it)
 * abort(handle) kills the command's process group with SIGKILL; the result
 * then says aborted. Calling it after the result is harmless.
 *
 * The command leads its own process group, with stdin from /dev/null, signal
 * dispositions and mask reset. When it exits, whatever it left in its group
 * is killed, and the output is read for at most OUTPUT_GRACE_MS more (a
 * process that left the group may hold the pipe open forever). When floatd
 * exits, the groups of commands still running are killed.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define OUTPUT_GRACE_MS 100
#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

typedef struct job job_t;
struct job {
  /* Inputs, owned by the job. */
  char *file;
  char **argv;
  char **envp;
  char *cwd;
  size_t tail_limit;
  /* Shared with abort(): the eventfd that wakes the thread, and the two owners (thread, JS handle). */
  pthread_mutex_t lock;
  int wake_fd;
  int refs;
  bool abort_asked;
  /* Result. */
  pid_t pid;
  int code;
  int signal;
  bool aborted;
  int spawn_errno;
  double duration_ms;
  char *tail; /* ring of tail_limit bytes */
  size_t tail_start, tail_len;
  napi_threadsafe_function tsfn;
  /* Running jobs, for the kill at exit. */
  job_t *next_running;
};

/* Jobs whose command may be running: at exit their process groups are killed. */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static job_t *running_jobs = NULL;

static void running_add(job_t *j) {
  pthread_mutex_lock(&running_lock);
  j->next_running = running_jobs;
  running_jobs = j;
  pthread_mutex_unlock(&running_lock);
}

static void running_remove(job_t *j) {
  pthread_mutex_lock(&running_lock);
  for (job_t **p = &running_jobs; *p != NULL; p = &(*p)->next_running) {
    if (*p == j) {
      *p = j->next_running;
      break;
    }
  }
  pthread_mutex_unlock(&running_lock);
}

static void kill_running(void *arg);
static void kill_running_at_exit(void) { kill_running(NULL); }

/* floatd is going away: a check or hook it started must not outlive it. */
static void kill_running(void *arg) {
  pthread_mutex_lock(&running_lock);
  for (job_t *j = running_jobs; j != NULL; j = j->next_running) {
    if (j->pid > 0) kill(-j->pid, SIGKILL);
  }
  pthread_mutex_unlock(&running_lock);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void free_strv(char **v) {
  if (v == NULL) return;
  for (char **p = v; *p != NULL; p++) free(*p);
  free(v);
}

static void job_unref(job_t *j) {
  pthread_mutex_lock(&j->lock);
  int left = --j->refs;
  pthread_mutex_unlock(&j->lock);
  if (left > 0) return;
  pthread_mutex_destroy(&j->lock);
  free(j->file);
  free_strv(j->argv);
  free_strv(j->envp);
  free(j->cwd);
  free(j->tail);
  free(j);
}

static void tail_push(job_t *j, const char *b, size_t n) {
  size_t cap = j->tail_limit;
  if (cap == 0) return;
  if (n >= cap) {
    memcpy(j->tail, b + n - cap, cap);
    j->tail_start = 0;
    j->tail_len = cap;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    size_t at = (j->tail_start + j->tail_len) % cap;
    j->tail[at] = b[i];
    if (j->tail_len < cap) j->tail_len++;
    else j->tail_start = (j->tail_start + 1) % cap;
  }
}

/*
 * The program to run, as execvp would find it: `file` itself when it names a
 * path, else the first executable regular file on the command's PATH. The
 * command starts in `cwd`, so relative names and PATH entries are taken from
 * there, the same as the exec will.
 */
static char *join_path(const char *cwd, const char *dir, size_t dlen, const char *file) {
  size_t clen = (cwd != NULL && (dlen == 0 || dir[0] != '/')) ? strlen(cwd) : 0;
  size_t flen = strlen(file);
  char *out = malloc(clen + dlen + flen + 3);
  if (out == NULL) return NULL;
  size_t at = 0;
  if (clen > 0) {
    memcpy(out, cwd, clen);
    out[clen] = '/';
    at = clen + 1;
  }
  if (dlen > 0) {
    memcpy(out + at, dir, dlen);
    out[at + dlen] = '/';
    at += dlen + 1;
  }
  memcpy(out + at, file, flen + 1);
  return out;
}

static int resolve_program(const char *file, char **envp, const char *cwd, char **out) {
  if (file[0] == '\0') return ENOENT;
  if (strchr(file, '/') != NULL) {
    *out = file[0] == '/' ? strdup(file) : join_path(cwd, "", 0, file);
    return *out == NULL ? ENOMEM : 0;
  }
  const char *path = DEFAULT_PATH;
  for (char **e = envp; *e != NULL; e++) {
    if (strncmp(*e, "PATH=", 5) == 0) {
      path = *e + 5;
      break;
    }
  }
  int found_err = ENOENT;
  while (true) {
    const char *colon = strchr(path, ':');
    size_t dlen = colon != NULL ? (size_t)(colon - path) : strlen(path);
    /* An empty entry is the current folder. */
    char *cand = dlen == 0 ? join_path(cwd, ".", 1, file) : join_path(cwd, path, dlen, file);
    if (cand == NULL) return ENOMEM;
    struct stat st;
    if (stat(cand, &st) == 0) {
      if (S_ISREG(st.st_mode)) {
        if (faccessat(AT_FDCWD, cand, X_OK, AT_EACCESS) == 0) {
          *out = cand;
          return 0;
        }
        found_err = EACCES;
      }
    } else if (errno == EACCES) {
      found_err = EACCES;
    }
    free(cand);
    if (colon == NULL) break;
    path = colon + 1;
  }
  return found_err;
}

/* posix_spawn, and, for a file without a #! line, /bin/sh running it (as execvp does). */
static int spawn_program(pid_t *pid, const char *program, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char **argv, char **envp) {
  int err = posix_spawn(pid, program, fa, attr, argv, envp);
  if (err != ENOEXEC) return err;
  size_t n = 0;
  while (argv[n] != NULL) n++;
  char **sh = calloc(n + 2, sizeof(char *));
  if (sh == NULL) return ENOMEM;
  sh[0] = "/bin/sh";
  sh[1] = (char *)program;
  for (size_t i = 1; i < n; i++) sh[i + 1] = argv[i];
  err = posix_spawn(pid, "/bin/sh", fa, attr, sh, envp);
  free(sh);
  return err;
}

static void *job_thread(void *arg) {
  job_t *j = arg;
  double start = now_ms();
  int pipefd[2] = {-1, -1};
  int pidfd = -1;
  char *program = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  bool fa_ok = false, attr_ok = false;

  pthread_mutex_lock(&j->lock);
  bool aborted_early = j->abort_asked;
  pthread_mutex_unlock(&j->lock);
  /* Aborted before it started: nothing to run. */
  int err = aborted_early ? ECANCELED : resolve_program(j->file, j->envp, j->cwd, &program);
  if (err == 0 && pipe2(pipefd, O_CLOEXEC) != 0) err = errno;
  if (err == 0) {
    err = posix_spawn_file_actions_init(&fa);
    fa_ok = err == 0;
  }
  if (err == 0) err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (err == 0) err = posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  if (err == 0) err = posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  if (err == 0 && j->cwd != NULL) err = posix_spawn_file_actions_addchdir_np(&fa, j->cwd);
  if (err == 0) {
    err = posix_spawnattr_init(&attr);
    attr_ok = err == 0;
  }
  if (err == 0) {
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    pid_t pid = 0;
    err = spawn_program(&pid, program, &fa, &attr, j->argv, j->envp);
    if (err == 0) {
      j->pid = pid;
      running_add(j);
    }
  }
  if (fa_ok) posix_spawn_file_actions_destroy(&fa);
  if (attr_ok) posix_spawnattr_destroy(&attr);
  free(program);
  if (pipefd[1] >= 0) close(pipefd[1]);

  if (err == ECANCELED) {
    j->aborted = true;
    j->code = -1;
  } else if (err != 0) {
    j->spawn_errno = err;
  } else {
    pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
    bool exited = false, pipe_open = true;
    double exited_at = 0;
    char buf[4096];
    while (!exited || pipe_open) {
      struct pollfd p[3];
      int n = 0;
      int ip = -1, id = -1, iw = -1;
      if (pipe_open) {
        p[n] = (struct pollfd){.fd = pipefd[0], .events = POLLIN};
        ip = n++;
      }
      if (!exited && pidfd >= 0) {
        p[n] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        id = n++;
      }
      p[n] = (struct pollfd){.fd = j->wake_fd, .events = POLLIN};
      iw = n++;
      int timeout = -1;
      if (exited) {
        double left = OUTPUT_GRACE_MS - (now_ms() - exited_at);
        if (left <= 0) break;
        timeout = (int)left + 1;
      } else if (pidfd < 0) {
        timeout = 10; /* no pidfd (old kernel): look for the exit every 10 ms */
      }
      int r = poll(p, (nfds_t)n, timeout);
      if (r < 0 && errno != EINTR) {
        /* Cannot watch it any more: end it rather than report a result it never gave. */
        if (!exited) {
          kill(-j->pid, SIGKILL);
          int status = 0;
          while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR) {
          }
          j->code = -1;
          j->signal = SIGKILL;
          j->duration_ms = now_ms() - start;
        }
        break;
      }
      if (iw >= 0 && (p[iw].revents & POLLIN)) {
        uint64_t v;
        if (read(j->wake_fd, &v, sizeof v) < 0) { /* nothing to do: the flag below decides */ }
        pthread_mutex_lock(&j->lock);
        bool asked = j->abort_asked;
        pthread_mutex_unlock(&j->lock);
        if (asked && !j->aborted && !exited) {
          j->aborted = true;
          kill(-j->pid, SIGKILL);
        }
      }
      if (ip >= 0 && (p[ip].revents & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t got = read(pipefd[0], buf, sizeof buf);
        if (got > 0) tail_push(j, buf, (size_t)got);
        else if (got == 0 || (errno != EINTR && errno != EAGAIN)) pipe_open = false;
      }
      if (!exited && (pidfd < 0 || (id >= 0 && (p[id].revents & POLLIN)))) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        /* Look without reaping: while the leader is a zombie its pid (the group's id) cannot be reused. */
        int w = waitid(P_PID, (id_t)j->pid, &si, WEXITED | WNOWAIT | (pidfd < 0 ? WNOHANG : 0));
        if (w == 0 && si.si_pid == j->pid) {
          exited = true;
          exited_at = now_ms();
          j->duration_ms = exited_at - start;
          if (si.si_code == CLD_EXITED) {
            j->code = si.si_status;
          } else {
            j->code = -1;
            j->signal = si.si_status;
          }
          /* Whatever the command left running in its group goes with it. */
          kill(-j->pid, SIGKILL);
          running_remove(j);
          while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR) {
          }
        } else if (w < 0 && errno == ECHILD) {
          exited = true; /* reaped elsewhere; nothing more to learn */
          exited_at = now_ms();
          j->duration_ms = exited_at - start;
          j->code = -1;
          running_remove(j);
        }
      }
    }
  }
  if (j->spawn_errno != 0) j->duration_ms = now_ms() - start;
  if (pipefd[0] >= 0) close(pipefd[0]);
  if (pidfd >= 0) close(pidfd);
  pthread_mutex_lock(&j->lock);
  close(j->wake_fd);
  j->wake_fd = -1;
  pthread_mutex_unlock(&j->lock);
  running_remove(j);
  /* After the call the job may be freed at any moment (deliver drops the thread's reference). */
  napi_threadsafe_function tsfn = j->tsfn;
  napi_call_threadsafe_function(tsfn, j, napi_tsfn_blocking);
  napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  return NULL;
}

/* On the JS thread: the result object, then the callback; drops the thread's reference. */
static void deliver(napi_env env, napi_value callback, void *context, void *data) {
  job_t *j = data;
  if (env != NULL && callback != NULL) {
    napi_value res, v;
    napi_create_object(env, &res);
    napi_create_int32(env, j->pid, &v);
    napi_set_named_property(env, res, "pid", v);
    napi_create_int32(env, j->code, &v);
    napi_set_named_property(env, res, "code", v);
    napi_create_int32(env, j->signal, &v);
    napi_set_named_property(env, res, "signal", v);
    napi_get_boolean(env, j->aborted, &v);
    napi_set_named_property(env, res, "aborted", v);
    napi_create_double(env, j->duration_ms, &v);
    napi_set_named_property(env, res, "durationMs", v);
    if (j->spawn_errno != 0) {
      napi_create_string_utf8(env, strerror(j->spawn_errno), NAPI_AUTO_LENGTH, &v);
      napi_set_named_property(env, res, "spawnError", v);
      const char *name = j->spawn_errno == ENOENT    ? "ENOENT"
                         : j->spawn_errno == EACCES  ? "EACCES"
                         : j->spawn_errno == ENOTDIR ? "ENOTDIR"
                         : j->spawn_errno == ENOEXEC ? "ENOEXEC"
                                                     : "";
      napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &v);
      napi_set_named_property(env, res, "spawnCode", v);
    }
    void *out = NULL;
    if (napi_create_buffer(env, j->tail_len, &out, &v) != napi_ok) {
      out = NULL;
      napi_create_buffer(env, 0, NULL, &v);
    }
    if (out != NULL && j->tail_len > 0 && j->tail_limit > 0) {
      size_t first = j->tail_limit - j->tail_start;
      if (first > j->tail_len) first = j->tail_len;
      memcpy(out, j->tail + j->tail_start, first);
      memcpy((char *)out + first, j->tail, j->tail_len - first);
    }
    napi_set_named_property(env, res, "output", v);
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, callback, 1, &res, NULL);
  }
  job_unref(j);
}

static void handle_finalize(napi_env env, void *data, void *hint) { job_unref(data); }

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "EINVAL", msg);
  return NULL;
}

static char *get_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (s == NULL) return NULL;
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  /* A NUL inside would silently cut the text short. */
  if (strlen(s) != len) {
    free(s);
    return NULL;
  }
  return s;
}

/* A NULL-terminated copy of a JS string array, with `first` (if any) in front. */
static char **get_strv(napi_env env, napi_value arr, const char *first) {
  bool is_array = false;
  napi_is_array(env, arr, &is_array);
  if (!is_array) return NULL;
  uint32_t n = 0;
  napi_get_array_length(env, arr, &n);
  uint32_t off = first != NULL ? 1 : 0;
  char **v = calloc((size_t)n + off + 1, sizeof(char *));
  if (v == NULL) return NULL;
  if (first != NULL && (v[0] = strdup(first)) == NULL) {
    free(v);
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_valuetype t;
    napi_get_element(env, arr, i, &e);
    napi_typeof(env, e, &t);
    if (t != napi_string || (v[i + off] = get_string(env, e)) == NULL) {
      free_strv(v);
      return NULL;
    }
  }
  return v;
}

static napi_value run(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  if (argc != 6) return throw_type(env, "run(file, args, env, cwd, tailBytes, callback)");
  napi_valuetype t;
  napi_typeof(env, a[0], &t);
  if (t != napi_string) return throw_type(env, "file must be a string");
  napi_typeof(env, a[5], &t);
  if (t != napi_function) return throw_type(env, "callback must be a function");
  int64_t tail = 0;
  if (napi_get_value_int64(env, a[4], &tail) != napi_ok || tail < 0 || tail > (1 << 24)) return throw_type(env, "tailBytes must be 0..16 MiB");

  job_t *j = calloc(1, sizeof *j);
  if (j == NULL) return throw_type(env, "out of memory");
  pthread_mutex_init(&j->lock, NULL);
  j->refs = 2;
  j->wake_fd = -1;
  j->tail_limit = (size_t)tail;
  j->file = get_string(env, a[0]);
  j->argv = get_strv(env, a[1], j->file);
  j->envp = get_strv(env, a[2], NULL);
  napi_typeof(env, a[3], &t);
  if (t == napi_string) j->cwd = get_string(env, a[3]);
  else if (t != napi_null && t != napi_undefined) {
    j->refs = 1;
    job_unref(j);
    return throw_type(env, "cwd must be a string or null");
  }
  j->tail = malloc(j->tail_limit > 0 ? j->tail_limit : 1);
  j->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (j->file == NULL || j->argv == NULL || j->envp == NULL) {
    if (j->wake_fd >= 0) close(j->wake_fd);
    j->refs = 1;
    job_unref(j);
    return throw_type(env, "file, args and env must be strings without NUL characters");
  }
  if (j->tail == NULL || j->wake_fd < 0) {
    if (j->wake_fd >= 0) close(j->wake_fd);
    j->refs = 1;
    job_unref(j);
    napi_throw_error(env, "ENOMEM", "cannot set up the command (out of memory or file descriptors)");
    return NULL;
  }
  napi_value name;
  napi_create_string_utf8(env, "floatd.run", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, a[5], NULL, name, 0, 1, NULL, NULL, NULL, deliver, &j->tsfn) != napi_ok) {
    close(j->wake_fd);
    j->refs = 1;
    job_unref(j);
    return throw_type(env, "cannot create the callback");
  }
  napi_value handle;
  if (napi_create_external(env, j, handle_finalize, NULL, &handle) != napi_ok) {
    napi_release_threadsafe_function(j->tsfn, napi_tsfn_abort);
    close(j->wake_fd);
    j->refs = 1;
    job_unref(j);
    napi_throw_error(env, "ENOMEM", "cannot set up the command");
    return NULL;
  }

  pthread_attr_t ta;
  pthread_attr_init(&ta);
  pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&ta, 256 * 1024);
  /* Signals to floatd stay with the event loop's thread: the job thread starts with all blocked. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t th;
  int e = pthread_create(&th, &ta, job_thread, j);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&ta);
  if (e != 0) {
    /* Report it as a start failure through the callback, like any other. */
    j->spawn_errno = e;
    close(j->wake_fd);
    j->wake_fd = -1;
    napi_call_threadsafe_function(j->tsfn, j, napi_tsfn_blocking);
    napi_release_threadsafe_function(j->tsfn, napi_tsfn_release);
  }
  return handle;
}

static napi_value abort_job(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  job_t *j = NULL;
  if (argc != 1 || napi_get_value_external(env, a[0], (void **)&j) != napi_ok || j == NULL) return throw_type(env, "abort(handle)");
  pthread_mutex_lock(&j->lock);
  j->abort_asked = true;
  if (j->wake_fd >= 0) {
    uint64_t one = 1;
    if (write(j->wake_fd, &one, sizeof one) < 0) { /* the counter cannot overflow here */ }
  }
  pthread_mutex_unlock(&j->lock);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      {"run", NULL, run, NULL, NULL, NULL, napi_default, NULL},
      {"abort", NULL, abort_job, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  /* Both: process.exit() skips the environment's cleanup hooks, a worker's end runs only those. */
  napi_add_env_cleanup_hook(env, kill_running, NULL);
  static bool at_exit_set = false;
  if (!at_exit_set) {
    at_exit_set = true;
    atexit(kill_running_at_exit);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
