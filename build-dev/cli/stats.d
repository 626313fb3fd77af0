build-dev/cli/stats.o: cli/stats.c /usr/include/cjson/cJSON.h \
 core/counters.h core/decode.h core/event.h core/units.h core/eventjson.h \
 core/privacy.h core/stats.h core/utf8.h core/xmalloc.h store/store.h \
 core/catalog.h core/event.h core/filter.h core/optout.h cli/cli.h
/usr/include/cjson/cJSON.h:
core/counters.h:
core/decode.h:
core/event.h:
core/units.h:
core/eventjson.h:
core/privacy.h:
core/stats.h:
core/utf8.h:
core/xmalloc.h:
store/store.h:
core/catalog.h:
core/event.h:
core/filter.h:
core/optout.h:
cli/cli.h:
