build-dev/cli/ca.o: cli/ca.c core/hosts.h core/event.h core/xmalloc.h \
 ws/ca.h cli/cli.h
core/hosts.h:
core/event.h:
core/xmalloc.h:
ws/ca.h:
cli/cli.h:
