/* bitsim — the command: dispatches to subcommands (demo, version, help;
 * serve, run, and the bitsadmin-style job commands: any /VERB). Unknown
 * commands get a one-line error, a usage hint and exit status 2. */
#include <stdio.h>
#include <string.h>

#include "bitsim.h"
#include "cli/commands.h"

struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
};

static int run_version(int argc, char **argv) {
  (void)argc;
  (void)argv;
  printf("bitsim %s\n", bsim_version());
  return 0;
}

static int run_help(int argc, char **argv);

static const struct command commands[] = {
    {"demo", bsim_cli_demo,
     "run the built-in demo: a job's life narrated on a virtual clock"},
    {"run", bsim_cli_run,
     "run a scenario file and narrate it (exit 1 if an expect fails)"},
    {"serve", bsim_cli_serve,
     "serve files, scripted faults and BITS uploads on 127.0.0.1"},
    {"/VERB", bsim_cli_jobs,
     "bitsadmin-style job commands: /create, /addfile, /resume, /info, "
     "/list,\n             /transfer, /monitor, ... (see docs/cli.md)"},
    {"diagram", bsim_cli_diagram,
     "the job state diagram from the engine's table (DOT; SVG with "
     "Graphviz)"},
    {"bench", bsim_cli_bench,
     "run the benchmarks (built with -DBSIM_BUILD_BENCH=ON) with one command"},
    {"version", run_version, "print the version"},
    {"help", run_help, "list the commands"},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static int run_help(int argc, char **argv) {
  (void)argc;
  (void)argv;
  puts("usage: bitsim <command> [options]\n\ncommands:");
  for (size_t i = 0; i < COMMAND_COUNT; i++) {
    printf("  %-10s %s\n", commands[i].name, commands[i].summary);
  }
  puts("\n'bitsim <command> --help' describes a command's options.");
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("bitsim: no command given\nusage: bitsim <command> [options]; "
          "try 'bitsim help'\n",
          stderr);
    return 2;
  }
  const char *name = argv[1];
  if (bsim_cli_jobs_claims(name)) return bsim_cli_jobs(argc - 1, argv + 1);
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) name = "help";
  if (strcmp(name, "--version") == 0) name = "version";
  for (size_t i = 0; i < COMMAND_COUNT; i++) {
    if (strcmp(commands[i].name, name) == 0) {
      return commands[i].run(argc - 1, argv + 1);
    }
  }
  fprintf(stderr,
          "bitsim: unknown command '%s'\nusage: bitsim <command> [options]; "
          "try 'bitsim help'\n",
          argv[1]);
  return 2;
}
