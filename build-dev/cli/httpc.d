build-dev/cli/httpc.o: cli/httpc.c core/xmalloc.h cli/httpc.h
core/xmalloc.h:
cli/httpc.h:
