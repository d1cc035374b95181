/*
 * A detached worker thread with a small stack that starts with every signal
 * blocked: signals sent to floatd (SIGTERM, SIGHUP, SIGCHLD) stay with the
 * event loop's thread, where Node handles them. Shared by the addons that
 * run timing or waiting off the event loop.
 */
#ifndef FLOATD_DETACHED_THREAD_H
#define FLOATD_DETACHED_THREAD_H

#include <pthread.h>
#include <signal.h>

/* Returns 0, or the pthread_create error number. */
static inline int start_detached_thread(void *(*fn)(void *), void *arg) {
  pthread_attr_t ta;
  pthread_attr_init(&ta);
  pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&ta, 256 * 1024);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t th;
  int e = pthread_create(&th, &ta, fn, arg);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&ta);
  return e;
}

#endif
