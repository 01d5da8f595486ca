/* `bitsim diagram`: the job state diagram generated from the engine's
 * transition table, as Graphviz DOT (stdout or --dot FILE) and, when
 * Graphviz's `dot` is installed, as SVG (--svg FILE). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bitsim.h"
#include "cli/commands.h"

static int usage(const char *why) {
  fprintf(stderr,
          "bitsim diagram: %s\nusage: bitsim diagram [--dot FILE] "
          "[--svg FILE]\n",
          why);
  return 2;
}

static int write_dot(const char *path) {
  FILE *f = path == NULL ? stdout : fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "bitsim diagram: cannot write %s: %s\n", path,
            strerror(errno));
    return 1;
  }
  bsim_hr hr = bsim_state_diagram_dot(f);
  if (f != stdout && fclose(f) != 0) hr = BSIM_E_FAIL;
  return BSIM_SUCCEEDED(hr) ? 0 : 1;
}

/* dot -Tsvg -o SVG DOT, run directly (no shell). */
static int run_dot(const char *dot_path, const char *svg_path) {
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    char *argv[] = {"dot", "-Tsvg", "-o", (char *)svg_path, (char *)dot_path,
                    NULL};
    execvp("dot", argv);
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return 1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    fputs("bitsim diagram: Graphviz's dot is not installed "
          "(apt-get install graphviz); --dot FILE writes the DOT text\n",
          stderr);
    return 1;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static int write_svg(const char *svg_path) {
  char dot_path[] = "/tmp/bitsim-diagram-XXXXXX";
  int fd = mkstemp(dot_path);
  if (fd < 0) return 1;
  close(fd);
  int rc = write_dot(dot_path) || run_dot(dot_path, svg_path);
  unlink(dot_path);
  return rc;
}

int bsim_cli_diagram(int argc, char **argv) {
  const char *dot = NULL;
  const char *svg = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--dot") == 0 && i + 1 < argc) {
      dot = argv[++i];
    } else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
      svg = argv[++i];
    } else {
      char why[160];
      snprintf(why, sizeof why, "unexpected argument '%s'", argv[i]);
      return usage(why);
    }
  }
  if (svg != NULL) {
    if (dot != NULL && write_dot(dot) != 0) return 1;
    return write_svg(svg);
  }
  return write_dot(dot);
}
