build-dev/cli/ui.o: cli/ui.c core/auth.h core/decode.h core/event.h \
 core/filter.h core/xmalloc.h store/store.h core/catalog.h \
 /usr/include/cjson/cJSON.h core/counters.h core/event.h core/optout.h \
 tui/tui.h ws/ws.h core/hosts.h cli/cli.h cli/collector.h core/config.h \
 cli/watch.h
core/auth.h:
core/decode.h:
core/event.h:
core/filter.h:
core/xmalloc.h:
store/store.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/counters.h:
core/event.h:
core/optout.h:
tui/tui.h:
ws/ws.h:
core/hosts.h:
cli/cli.h:
cli/collector.h:
core/config.h:
cli/watch.h:
