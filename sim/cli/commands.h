/* bitsim — the command's subcommands. Each takes the arguments after its
 * name (argv[0] is the subcommand) and returns the process exit status. */
#ifndef BSIM_CLI_COMMANDS_H
#define BSIM_CLI_COMMANDS_H

int bsim_cli_demo(int argc, char **argv);
int bsim_cli_run(int argc, char **argv);
int bsim_cli_diagram(int argc, char **argv);
int bsim_cli_bench(int argc, char **argv);
int bsim_cli_serve(int argc, char **argv);
/* The bitsadmin-style job commands; argv[0] is the first word after the
 * program name (a /VERB or a global option). */
int bsim_cli_jobs(int argc, char **argv);
/* Nonzero when word starts a job command line (a /VERB or an option of
 * theirs), so main() hands the whole line to bsim_cli_jobs. */
int bsim_cli_jobs_claims(const char *word);

#endif /* BSIM_CLI_COMMANDS_H */
