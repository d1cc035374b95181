/*
 * The health check both daemons run in bench/withdraw-latency.ts:
 *   check FLAG STAMPS
 * exits 0 (healthy) while FLAG does not exist. When it exists, appends the
 * CLOCK_MONOTONIC time in nanoseconds to STAMPS and exits 1: the stamp is the
 * moment the failed result exists, a few microseconds before the exit that
 * the daemon sees.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  if (access(argv[1], F_OK) != 0) return 0;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  FILE *f = fopen(argv[2], "a");
  if (f != NULL) {
    fprintf(f, "%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    fclose(f);
  }
  return 1;
}
