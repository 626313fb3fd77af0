build-dev/cli/help.o: cli/help.c cli/cli.h
cli/cli.h:
