build-dev/cli/collector.o: cli/collector.c core/auth.h core/config.h \
 core/event.h core/hosts.h core/decode.h core/event.h core/privacy.h \
 core/stats.h core/units.h core/xmalloc.h store/store.h core/catalog.h \
 /usr/include/cjson/cJSON.h core/counters.h core/filter.h core/optout.h \
 ws/ws.h cli/cli.h cli/collector.h cli/records.h
core/auth.h:
core/config.h:
core/event.h:
core/hosts.h:
core/decode.h:
core/event.h:
core/privacy.h:
core/stats.h:
core/units.h:
core/xmalloc.h:
store/store.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/counters.h:
core/filter.h:
core/optout.h:
ws/ws.h:
cli/cli.h:
cli/collector.h:
cli/records.h:
