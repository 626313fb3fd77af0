build-dev/cli/capture.o: cli/capture.c core/auth.h core/xmalloc.h ws/ca.h \
 cli/child.h cli/cli.h cli/httpc.h
core/auth.h:
core/xmalloc.h:
ws/ca.h:
cli/child.h:
cli/cli.h:
cli/httpc.h:
