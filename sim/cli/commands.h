/* bitsim — the command's subcommands. Each takes the arguments after its
 * name (argv[0] is the subcommand) and returns the process exit status. */
#ifndef BSIM_CLI_COMMANDS_H
#define BSIM_CLI_COMMANDS_H

int bsim_cli_demo(int argc, char **argv);
int bsim_cli_run(int argc, char **argv);
int bsim_cli_serve(int argc, char **argv);

#endif /* BSIM_CLI_COMMANDS_H */
