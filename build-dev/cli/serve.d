build-dev/cli/serve.o: cli/serve.c core/counters.h ws/ws.h core/event.h \
 core/hosts.h cli/cli.h cli/collector.h core/auth.h core/config.h \
 core/optout.h core/event.h core/xmalloc.h
core/counters.h:
ws/ws.h:
core/event.h:
core/hosts.h:
cli/cli.h:
cli/collector.h:
core/auth.h:
core/config.h:
core/optout.h:
core/event.h:
core/xmalloc.h:
