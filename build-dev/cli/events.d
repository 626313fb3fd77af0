build-dev/cli/events.o: cli/events.c /usr/include/cjson/cJSON.h \
 core/decode.h core/event.h core/eventjson.h core/fields.h core/filter.h \
 core/path.h core/privacy.h core/utf8.h core/xmalloc.h store/store.h \
 core/catalog.h core/counters.h core/event.h core/optout.h cli/cli.h
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/eventjson.h:
core/fields.h:
core/filter.h:
core/path.h:
core/privacy.h:
core/utf8.h:
core/xmalloc.h:
store/store.h:
core/catalog.h:
core/counters.h:
core/event.h:
core/optout.h:
cli/cli.h:
