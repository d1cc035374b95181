/*
 * Runs a command off the event loop's thread, for health checks and hooks.
 *
 * Node's child_process.spawn forks the whole process on the event loop's
 * thread and waits there until the child has called exec. The fork copies the
 * page tables of a process holding tens or hundreds of MiB, which took 3 to
 * 40 ms per check on a busy 2-core machine: time in which no timer fires, no
 * socket is read and no WITHDRAW is written. Here a short-lived thread per
 * command does all of it: starting it (clone with CLONE_VM | CLONE_VFORK, as
 * posix_spawn does: no page tables copied),
 * reading the output, waiting for the exit through a pidfd, killing the
 * process group, and hands one result back through a thread-safe function.
 *
 * run(file, args, env, cwd, tailBytes, cgroupBase, callback) -> handle
 *   file       program; without a '/', looked up on the PATH of `env` the way
 *              execvp does (relative entries from `cwd`; a file without #!
 *              runs with /bin/sh)
 *   args       argv[1..]
 *   env        ["NAME=value", ...], the whole environment of the command
 *   cwd        working directory or null
 *   tailBytes  how much of the output (stdout and stderr interleaved) to keep
 *   cgroupBase a cgroup v2 folder floatd may create cgroups in, or null
 *   callback   called once with { pid, code, signal, output, aborted,
 *              spawnError, durationMs, contained } (pid 0 and spawnError set
 *              when the command could not be started; code -1 when a signal
 *              ended it; contained "cgroup" or "process-group")
 * abort(handle) kills the command's process group with SIGKILL; the result
 * then says aborted. Calling it after the result is harmless.
 *
 * The command leads its own process group, with stdin from /dev/null, signal
 * dispositions and mask reset, no descriptor above 2, no ambient capabilities
 * and, unless it runs as root, no capabilities at all: floatd may hold
 * CAP_NET_ADMIN and CAP_NET_BIND_SERVICE (the systemd unit gives them as
 * ambient ones), and a check must not be able to move floating addresses or
 * take port 179. A root floatd's commands are root and keep what exec gives
 * root; only the bounding set could take that away, and hooks that manage
 * addresses need it.
 *
 * Containment: with a cgroupBase, the command runs in a cgroup of its own
 * (cgroupBase/job-N), and at its exit or its time limit the whole cgroup is
 * killed (cgroup.kill), so a process that called setsid goes too. Without
 * one (no writable cgroup v2), floatd becomes a child subreaper: a process
 * whose parent is gone is re-parented to floatd instead of init. Then at the
 * time limit the command's descendants are found through /proc and killed,
 * and after every command floatd kills and reaps the processes it adopted
 * (those outside its own process group and outside the groups of commands
 * still running). In both cases the output is read for at most
 * OUTPUT_GRACE_MS after the exit. When floatd exits, the groups and cgroups
 * of commands still running are killed.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include "detached-thread.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#endif
#ifndef PR_CAP_AMBIENT_CLEAR_ALL
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define OUTPUT_GRACE_MS 100
#define CHILD_STACK_BYTES (64 * 1024)
#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

typedef struct job job_t;
struct job {
  /* Inputs, owned by the job. */
  char *file;
  char **argv;
  char **envp;
  char *cwd;
  char *cgroup_base;
  size_t tail_limit;
  /* The command's own cgroup folder while it has one. */
  char *cgroup_dir;
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
  const char *spawn_step; /* what failed before the exec, or NULL */
  /* The leader exited and is being reaped: no more kills through its pid. */
  bool leader_gone;
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

/* Called with running_lock held. */
static void running_add_locked(job_t *j) {
  j->next_running = running_jobs;
  running_jobs = j;
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

/* Writes "1" to the cgroup's cgroup.kill (Linux 5.14): SIGKILL to every process in it. */
static void cgroup_kill(const char *dir) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/cgroup.kill", dir) >= (int)sizeof path) return;
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  if (write(fd, "1", 1) < 0) { /* already removed: nothing left to kill */ }
  close(fd);
}

static void kill_running(void *arg);
static void kill_running_at_exit(void) { kill_running(NULL); }

/* floatd is going away: a check or hook it started must not outlive it. */
static void kill_running(void *arg) {
  pthread_mutex_lock(&running_lock);
  for (job_t *j = running_jobs; j != NULL; j = j->next_running) {
    if (j->pid > 0 && !j->leader_gone) kill(-j->pid, SIGKILL);
    if (j->cgroup_dir != NULL) cgroup_kill(j->cgroup_dir);
  }
  pthread_mutex_unlock(&running_lock);
}

/* One line of /proc/PID/stat: parent and process group. */
static bool proc_stat(pid_t pid, pid_t *ppid, pid_t *pgrp) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  /* The command name may hold spaces and parentheses: the fields start after the last ')'. */
  char *p = strrchr(buf, ')');
  char state;
  int pp, pg;
  if (p == NULL || sscanf(p + 1, " %c %d %d", &state, &pp, &pg) != 3) return false;
  *ppid = pp;
  *pgrp = pg;
  return true;
}

typedef struct {
  pid_t pid, ppid, pgrp;
} proc_t;

/* Every process in /proc with its parent and group; the caller frees the list. */
static proc_t *list_processes(size_t *count) {
  *count = 0;
  int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return NULL;
  size_t cap = 256, n = 0;
  proc_t *list = malloc(cap * sizeof *list);
  char buf[8192];
  while (list != NULL) {
    long got = syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (got <= 0) break;
    for (long at = 0; at < got;) {
      struct dirent64 *d = (struct dirent64 *)(buf + at);
      at += d->d_reclen;
      char *end;
      long pid = strtol(d->d_name, &end, 10);
      if (*end != '\0' || pid <= 0) continue;
      proc_t p = {.pid = (pid_t)pid};
      if (!proc_stat(p.pid, &p.ppid, &p.pgrp)) continue;
      if (n == cap) {
        proc_t *more = realloc(list, 2 * cap * sizeof *list);
        if (more == NULL) break;
        list = more;
        cap *= 2;
      }
      list[n++] = p;
    }
  }
  close(dir);
  *count = n;
  return list;
}

/*
 * Without a cgroup: SIGKILL to every descendant of `leader` still linked to
 * it by parents, whatever its group or session. Repeated a few times, since a
 * process may fork between the look and the kill.
 */
static void kill_descendants(pid_t leader) {
  for (int round = 0; round < 3; round++) {
    size_t n = 0;
    proc_t *all = list_processes(&n);
    if (all == NULL) return;
    pid_t *tree = malloc((n + 1) * sizeof *tree);
    size_t found = 0;
    if (tree != NULL) {
      tree[found++] = leader;
      for (size_t i = 0; i < found; i++) {
        for (size_t k = 0; k < n; k++) {
          if (all[k].ppid == tree[i] && all[k].pid != leader) tree[found++] = all[k].pid;
        }
      }
      for (size_t i = 1; i < found; i++) kill(tree[i], SIGKILL);
    }
    free(tree);
    free(all);
    if (found <= 1) return;
  }
}

static pthread_mutex_t sweep_lock = PTHREAD_MUTEX_INITIALIZER;
static bool subreaper = false;

/* Without a cgroup, floatd adopts what its commands leave when their parents are gone. */
static void become_subreaper(void) {
  pthread_mutex_lock(&sweep_lock);
  if (!subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0) subreaper = true;
  pthread_mutex_unlock(&sweep_lock);
}

/*
 * Kills and reaps the processes floatd adopted as a subreaper: its children
 * outside its own process group (Node's own children stay there) that are
 * neither a command floatd started nor in the group of one still running.
 * libuv waits only for the pids it started, so nobody else reaps these.
 */
static size_t sweep_once(void);

static void sweep_adopted(void) {
  pthread_mutex_lock(&sweep_lock);
  /* A killed process's own children are adopted in turn: look again while there were some. */
  for (int round = 0; subreaper && round < 4 && sweep_once() > 0; round++) {
  }
  pthread_mutex_unlock(&sweep_lock);
}

/* One look through /proc; returns how many processes it killed. Called with sweep_lock held. */
static size_t sweep_once(void) {
  pid_t me = getpid(), own_group = getpgrp();
  size_t n = 0;
  /* Under running_lock no command is being started: a leader not yet listed is not taken for an orphan. */
  pthread_mutex_lock(&running_lock);
  proc_t *all = list_processes(&n);
  size_t keep = 0;
  for (size_t i = 0; all != NULL && i < n; i++) {
    if (all[i].ppid != me || all[i].pgrp == own_group) continue;
    bool ours = false;
    for (job_t *j = running_jobs; j != NULL && !ours; j = j->next_running) ours = all[i].pid == j->pid || all[i].pgrp == j->pid;
    if (!ours) all[keep++] = all[i];
  }
  pthread_mutex_unlock(&running_lock);
  for (size_t i = 0; i < keep; i++) {
    /* A child of floatd keeps its pid until floatd reaps it, so the pidfd names the right process. */
    int fd = (int)syscall(SYS_pidfd_open, all[i].pid, 0);
    if (fd >= 0) {
      syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
      struct pollfd p = {.fd = fd, .events = POLLIN};
      poll(&p, 1, 1000);
      siginfo_t si;
      waitid((idtype_t)P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG);
      close(fd);
    } else {
      kill(all[i].pid, SIGKILL);
      for (int t = 0; t < 100 && waitpid(all[i].pid, NULL, WNOHANG) == 0; t++) usleep(10000);
    }
  }
  free(all);
  return keep;
}

/* Everything the command started: its group, its cgroup or (without one) its descendants. */
static void kill_job(job_t *j, bool leader_alive) {
  kill(-j->pid, SIGKILL);
  if (j->cgroup_dir != NULL) cgroup_kill(j->cgroup_dir);
  else if (leader_alive) kill_descendants(j->pid);
}

/* A cgroup can be removed once its last process is gone; SIGKILLed ones go within milliseconds. */
static void cgroup_remove(job_t *j) {
  if (j->cgroup_dir == NULL) return;
  for (int t = 0; t < 200; t++) {
    if (rmdir(j->cgroup_dir) == 0 || errno != EBUSY) break;
    if (t % 20 == 0) cgroup_kill(j->cgroup_dir);
    usleep(5000);
  }
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
  free(j->cgroup_base);
  free(j->cgroup_dir);
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

/* What the child needs between clone and exec; it shares floatd's memory until then (CLONE_VFORK). */
typedef struct {
  const char *program;
  char **argv;
  char **sh_argv; /* /bin/sh program args..., for a file without a #! line (as execvp does) */
  char **envp;
  const char *cwd;
  int out_fd;
  int cgroup_procs_fd; /* cgroup.procs of the command's own cgroup, or -1 */
  bool drop_caps;
  /* Set by the child when it cannot exec: the errno, and what failed. */
  int err;
  const char *step;
} child_t;

static const char STEP_CGROUP[] = "cannot join its cgroup";
static const char STEP_CAPS[] = "cannot drop capabilities";

static int child_fail(child_t *c, const char *step) {
  c->err = errno != 0 ? errno : EINVAL;
  c->step = step;
  _exit(127);
}

/* Descriptors above 2: close_range (Linux 5.9), else those /proc lists, else all up to the limit. */
static void close_from_3(void) {
  if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
  int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    struct rlimit rl;
    long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur : 65536;
    for (long fd = 3; fd < max && fd < (1L << 20); fd++) close((int)fd);
    return;
  }
  char buf[1024];
  for (;;) {
    long got = syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (got <= 0) break;
    for (long at = 0; at < got;) {
      struct dirent64 *d = (struct dirent64 *)(buf + at);
      at += d->d_reclen;
      int fd = 0;
      const char *p = d->d_name;
      if (*p < '0' || *p > '9') continue;
      while (*p >= '0' && *p <= '9') fd = fd * 10 + (*p++ - '0');
      if (fd > 2 && fd != dir) close(fd);
    }
  }
  close(dir);
}

/*
 * The child, on a stack of its own, sharing floatd's memory until exec: only
 * system calls here, no malloc, no locks. Signals stay blocked (the job
 * thread blocks all) until the dispositions are reset.
 */
static int child_main(void *arg) {
  child_t *c = arg;
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; s++) sigaction(s, &dfl, NULL);
  /* First, so that everything it starts is inside the cgroup from the start. */
  if (c->cgroup_procs_fd >= 0 && write(c->cgroup_procs_fd, "0", 1) != 1) child_fail(c, STEP_CGROUP);
  if (setpgid(0, 0) != 0) child_fail(c, NULL);
  if (c->cwd != NULL && chdir(c->cwd) != 0) child_fail(c, NULL);
  int out = c->out_fd;
  if (out < 3 && (out = fcntl(out, F_DUPFD_CLOEXEC, 3)) < 0) child_fail(c, NULL);
  int null = open("/dev/null", O_RDONLY);
  if (null < 0) child_fail(c, NULL);
  if (null != 0) {
    if (dup2(null, 0) < 0) child_fail(c, NULL);
    close(null);
  }
  if (dup2(out, 1) < 0 || dup2(out, 2) < 0) child_fail(c, NULL);
  close_from_3();
  /* EINVAL: a kernel before 4.3, which has no ambient set. */
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) child_fail(c, STEP_CAPS);
  if (c->drop_caps) {
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capset, &h, d) != 0) child_fail(c, STEP_CAPS);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execve(c->program, c->argv, c->envp);
  if (errno == ENOEXEC) execve("/bin/sh", c->sh_argv, c->envp);
  return child_fail(c, NULL);
}

/* clone(CLONE_VM | CLONE_VFORK) as posix_spawn does (no page tables copied), with the setup above. */
static int spawn_child(job_t *j, const char *program, int out_fd, int cgroup_procs_fd, pid_t *pid_out, const char **step) {
  size_t n = 0;
  while (j->argv[n] != NULL) n++;
  char **sh = calloc(n + 2, sizeof(char *));
  void *stack = mmap(NULL, CHILD_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (sh == NULL || stack == MAP_FAILED) {
    free(sh);
    if (stack != MAP_FAILED) munmap(stack, CHILD_STACK_BYTES);
    return ENOMEM;
  }
  sh[0] = "/bin/sh";
  sh[1] = (char *)program;
  for (size_t i = 1; i < n; i++) sh[i + 1] = j->argv[i];
  child_t c = {
      .program = program,
      .argv = j->argv,
      .sh_argv = sh,
      .envp = j->envp,
      .cwd = j->cwd,
      .out_fd = out_fd,
      .cgroup_procs_fd = cgroup_procs_fd,
      .drop_caps = geteuid() != 0,
  };
  pid_t pid = clone(child_main, (char *)stack + CHILD_STACK_BYTES, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
  int err = pid < 0 ? errno : 0;
  munmap(stack, CHILD_STACK_BYTES);
  free(sh);
  if (err == 0 && c.err != 0) {
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    err = c.err;
    *step = c.step;
    pid = 0;
  }
  *pid_out = pid;
  return err;
}

/* The command's own cgroup under cgroupBase; on any failure it runs without one. */
static int cgroup_open(job_t *j) {
  static unsigned long seq = 0;
  if (j->cgroup_base == NULL) return -1;
  if (mkdir(j->cgroup_base, 0755) != 0 && errno != EEXIST) return -1;
  char path[4096];
  unsigned long n = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
  if (snprintf(path, sizeof path, "%s/job-%lu", j->cgroup_base, n) >= (int)sizeof path - 16) return -1;
  /* Left over from an earlier floatd with the same pid: empty, so it can go. */
  rmdir(path);
  if (mkdir(path, 0755) != 0) return -1;
  size_t len = strlen(path);
  strcpy(path + len, "/cgroup.procs");
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  path[len] = '\0';
  if (fd < 0 || (j->cgroup_dir = strdup(path)) == NULL) {
    if (fd >= 0) close(fd);
    rmdir(path);
    return -1;
  }
  return fd;
}

/*
 * Reaps the exited leader (its pid, the group's id, stays taken until then),
 * then kills and reaps what floatd adopted from it.
 */
static void reap_leader(job_t *j) {
  pthread_mutex_lock(&running_lock);
  j->leader_gone = true;
  pthread_mutex_unlock(&running_lock);
  while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR) {
  }
  running_remove(j);
  sweep_adopted();
}

static void *job_thread(void *arg) {
  job_t *j = arg;
  double start = now_ms();
  int pipefd[2] = {-1, -1};
  int pidfd = -1;
  char *program = NULL;

  pthread_mutex_lock(&j->lock);
  bool aborted_early = j->abort_asked;
  pthread_mutex_unlock(&j->lock);
  /* Aborted before it started: nothing to run. */
  int err = aborted_early ? ECANCELED : resolve_program(j->file, j->envp, j->cwd, &program);
  if (err == 0 && pipe2(pipefd, O_CLOEXEC) != 0) err = errno;
  if (err == 0) {
    int procs = cgroup_open(j);
    pid_t pid = 0;
    const char *step = NULL;
    if (procs < 0) become_subreaper();
    /* Listed before anything can look for orphans (sweep_adopted), so the new leader is never taken for one. */
    pthread_mutex_lock(&running_lock);
    err = spawn_child(j, program, pipefd[1], procs, &pid, &step);
    if (err != 0 && step == STEP_CGROUP) {
      /* A cgroup floatd may create but not move into (e.g. a delegation that stops above it): go without. */
      pthread_mutex_unlock(&running_lock);
      close(procs);
      procs = -1;
      rmdir(j->cgroup_dir);
      free(j->cgroup_dir);
      j->cgroup_dir = NULL;
      become_subreaper();
      pthread_mutex_lock(&running_lock);
      step = NULL;
      err = spawn_child(j, program, pipefd[1], -1, &pid, &step);
    }
    if (err == 0) {
      j->pid = pid;
      running_add_locked(j);
    }
    pthread_mutex_unlock(&running_lock);
    if (procs >= 0) close(procs);
    if (err != 0 && j->cgroup_dir != NULL) {
      rmdir(j->cgroup_dir);
      free(j->cgroup_dir);
      j->cgroup_dir = NULL;
    }
    j->spawn_step = step;
  }
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
          kill_job(j, true);
          reap_leader(j);
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
          kill_job(j, true);
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
          /* Whatever the command left running goes with it. */
          kill_job(j, false);
          reap_leader(j);
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
  cgroup_remove(j);
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
    napi_create_string_utf8(env, j->cgroup_dir != NULL ? "cgroup" : "process-group", NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, res, "contained", v);
    if (j->spawn_errno != 0) {
      char msg[256];
      snprintf(msg, sizeof msg, "%s%s%s", j->spawn_step != NULL ? j->spawn_step : "", j->spawn_step != NULL ? ": " : "", strerror(j->spawn_errno));
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &v);
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
  size_t argc = 7;
  napi_value a[7];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  if (argc != 7) return throw_type(env, "run(file, args, env, cwd, tailBytes, cgroupBase, callback)");
  napi_valuetype t;
  napi_typeof(env, a[0], &t);
  if (t != napi_string) return throw_type(env, "file must be a string");
  napi_typeof(env, a[6], &t);
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
  napi_typeof(env, a[5], &t);
  if (t == napi_string) j->cgroup_base = get_string(env, a[5]);
  else if (t != napi_null && t != napi_undefined) {
    j->refs = 1;
    job_unref(j);
    return throw_type(env, "cgroupBase must be a string or null");
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
  if (napi_create_threadsafe_function(env, a[6], NULL, name, 0, 1, NULL, NULL, NULL, deliver, &j->tsfn) != napi_ok) {
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

  /* Signals to floatd stay with the event loop's thread: the job thread starts with all blocked. */
  int e = start_detached_thread(job_thread, j);
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
