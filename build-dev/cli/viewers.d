build-dev/cli/viewers.o: cli/viewers.c /usr/include/cjson/cJSON.h \
 core/decode.h core/event.h core/eventjson.h core/filter.h core/optout.h \
 core/stats.h core/xmalloc.h store/store.h core/catalog.h core/counters.h \
 core/event.h ws/body.h ws/ws.h core/hosts.h cli/collector.h core/auth.h \
 core/config.h
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/eventjson.h:
core/filter.h:
core/optout.h:
core/stats.h:
core/xmalloc.h:
store/store.h:
core/catalog.h:
core/counters.h:
core/event.h:
ws/body.h:
ws/ws.h:
core/hosts.h:
cli/collector.h:
core/auth.h:
core/config.h:
