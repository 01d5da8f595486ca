/* bitsim — a stand-in `main` for a tree where sim/cli/ holds only
 * `bitsim serve` (its own branch, before the dispatcher lands). It is weak:
 * the dispatcher's main (sim/cli/main.c) takes its place when linked, and
 * this file can then go. It runs `bitsim serve ...` and refuses anything
 * else, with the dispatcher's exit status 2.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

__attribute__((weak)) int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) {
    return bsim_cli_serve(argc - 1, argv + 1);
  }
  fputs("usage: bitsim serve [options]; try 'bitsim serve --help'\n", stderr);
  return 2;
}
