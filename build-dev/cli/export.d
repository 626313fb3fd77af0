build-dev/cli/export.o: cli/export.c /usr/include/cjson/cJSON.h \
 core/auth.h core/decode.h core/event.h core/eventjson.h core/units.h \
 core/utf8.h core/xmalloc.h store/store.h core/catalog.h core/counters.h \
 core/event.h core/filter.h core/optout.h ws/ws.h core/hosts.h cli/cli.h \
 cli/collector.h core/config.h cli/httpc.h cli/records.h
/usr/include/cjson/cJSON.h:
core/auth.h:
core/decode.h:
core/event.h:
core/eventjson.h:
core/units.h:
core/utf8.h:
core/xmalloc.h:
store/store.h:
core/catalog.h:
core/counters.h:
core/event.h:
core/filter.h:
core/optout.h:
ws/ws.h:
core/hosts.h:
cli/cli.h:
cli/collector.h:
core/config.h:
cli/httpc.h:
cli/records.h:
