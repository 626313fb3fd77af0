build-dev/cli/watch.o: cli/watch.c /usr/include/cjson/cJSON.h core/auth.h \
 core/catalog.h core/config.h core/event.h core/hosts.h core/decode.h \
 core/event.h core/eventjson.h core/optout.h core/stats.h core/xmalloc.h \
 tui/tui.h core/counters.h ws/subscribe.h cli/cli.h cli/collector.h \
 cli/httpc.h cli/records.h cli/watch.h
/usr/include/cjson/cJSON.h:
core/auth.h:
core/catalog.h:
core/config.h:
core/event.h:
core/hosts.h:
core/decode.h:
core/event.h:
core/eventjson.h:
core/optout.h:
core/stats.h:
core/xmalloc.h:
tui/tui.h:
core/counters.h:
ws/subscribe.h:
cli/cli.h:
cli/collector.h:
cli/httpc.h:
cli/records.h:
cli/watch.h:
