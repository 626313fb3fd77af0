build-dev/cli/token.o: cli/token.c core/auth.h cli/cli.h
core/auth.h:
cli/cli.h:
