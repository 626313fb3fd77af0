build-dev/cli/optout.o: cli/optout.c /usr/include/cjson/cJSON.h \
 core/counters.h core/decode.h core/event.h core/event.h core/optout.h \
 core/switches.h core/utf8.h core/xmalloc.h store/store.h core/catalog.h \
 core/filter.h cli/cli.h
/usr/include/cjson/cJSON.h:
core/counters.h:
core/decode.h:
core/event.h:
core/event.h:
core/optout.h:
core/switches.h:
core/utf8.h:
core/xmalloc.h:
store/store.h:
core/catalog.h:
core/filter.h:
cli/cli.h:
