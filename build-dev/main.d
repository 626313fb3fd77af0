build-dev/main.o: main.c cli/cli.h cli/collector.h core/auth.h \
 core/config.h core/event.h core/hosts.h core/counters.h core/optout.h \
 core/event.h core/xmalloc.h
cli/cli.h:
cli/collector.h:
core/auth.h:
core/config.h:
core/event.h:
core/hosts.h:
core/counters.h:
core/optout.h:
core/event.h:
core/xmalloc.h:
