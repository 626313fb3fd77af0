build-dev/cli/child.o: cli/child.c cli/child.h
cli/child.h:
