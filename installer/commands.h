/* commands.h: the subcommands of `keel`. Each takes the arguments after
 * its name (argv[0] is the subcommand) and returns a keel exit code. */
#ifndef KEEL_COMMANDS_H
#define KEEL_COMMANDS_H

int cmd_verify(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_hv(int argc, char **argv);
int cmd_check_cpu(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_refresh(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_uninstall(int argc, char **argv);

#endif
