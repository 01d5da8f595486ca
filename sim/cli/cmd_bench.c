/* `bitsim bench [NAME...] [-- ARGS]`: runs the benchmarks (bench/bench_*.c,
 * built with -DBSIM_BUILD_BENCH=ON into <build>/bench/) one after another
 * with one command: all of them, or the ones named (lifecycle,
 * notify_throughput, store, transfer). Arguments after "--" go to each.
 * Each benchmark prints its figures and the ratio to its own baseline. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"

#define BENCH_MAX 32

/* <directory of this executable>/bench */
static int bench_dir(char *buf, size_t size) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return -1;
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (slash == NULL) return -1;
  *slash = '\0';
  int w = snprintf(buf, size, "%s/bench", self);
  return w > 0 && (size_t)w < size ? 0 : -1;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_benches(const char *dir, char names[][64]) {
  DIR *d = opendir(dir);
  if (d == NULL) return 0;
  size_t count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && count < BENCH_MAX) {
    if (strncmp(e->d_name, "bench_", 6) != 0 || strchr(e->d_name, '.')) {
      continue;
    }
    snprintf(names[count++], 64, "%s", e->d_name + 6);
  }
  closedir(d);
  char *order[BENCH_MAX];
  for (size_t i = 0; i < count; i++)
    order[i] = names[i];
  qsort(order, count, sizeof order[0], by_name);
  char sorted[BENCH_MAX][64];
  for (size_t i = 0; i < count; i++)
    snprintf(sorted[i], 64, "%s", order[i]);
  memcpy(names, sorted, count * sizeof sorted[0]);
  return count;
}

static int run_one(const char *dir, const char *name, char **extra,
                   int extra_count) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/bench_%s", dir, name);
  char *argv[64];
  int argc = 0;
  argv[argc++] = path;
  for (int i = 0; i < extra_count && argc < 63; i++)
    argv[argc++] = extra[i];
  argv[argc] = NULL;
  printf("== bench %s\n", name);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    execv(path, argv);
    fprintf(stderr, "bitsim bench: cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return 1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static int known(char names[][64], size_t count, const char *name) {
  for (size_t i = 0; i < count; i++) {
    if (strcmp(names[i], name) == 0) return 1;
  }
  return 0;
}

int bsim_cli_bench(int argc, char **argv) {
  char dir[PATH_MAX];
  char names[BENCH_MAX][64];
  size_t count = bench_dir(dir, sizeof dir) == 0 ? list_benches(dir, names) : 0;
  if (count == 0) {
    fputs("bitsim bench: no benchmarks next to this program; build with\n"
          "  cmake -S . -B build-bench -DBSIM_BUILD_BENCH=ON "
          "-DCMAKE_BUILD_TYPE=Release && cmake --build build-bench -j2\n"
          "and run build-bench/bitsim bench\n",
          stderr);
    return 2;
  }
  int first_extra = argc;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) first_extra = i;
  }
  int rc = 0;
  int named = 0;
  for (int i = 1; i < first_extra; i++) {
    if (!known(names, count, argv[i])) {
      fprintf(stderr, "bitsim bench: no benchmark '%s' (have:", argv[i]);
      for (size_t k = 0; k < count; k++)
        fprintf(stderr, " %s", names[k]);
      fputs(")\n", stderr);
      return 2;
    }
  }
  char **extra = argv + first_extra + (first_extra < argc);
  int extra_count = argc - first_extra - (first_extra < argc);
  for (int i = 1; i < first_extra; i++, named++) {
    rc |= run_one(dir, argv[i], extra, extra_count);
  }
  for (size_t k = 0; named == 0 && k < count; k++) {
    rc |= run_one(dir, names[k], extra, extra_count);
  }
  return rc;
}
