build-dev/cli/config.o: cli/config.c /usr/include/cjson/cJSON.h \
 core/config.h core/event.h core/hosts.h core/units.h core/xmalloc.h \
 store/store.h core/catalog.h core/counters.h core/filter.h core/event.h \
 core/optout.h ws/ws.h cli/cli.h cli/collector.h core/auth.h
/usr/include/cjson/cJSON.h:
core/config.h:
core/event.h:
core/hosts.h:
core/units.h:
core/xmalloc.h:
store/store.h:
core/catalog.h:
core/counters.h:
core/filter.h:
core/event.h:
core/optout.h:
ws/ws.h:
cli/cli.h:
cli/collector.h:
core/auth.h:
