build-dev/cli/fields.o: cli/fields.c core/catalog.h \
 /usr/include/cjson/cJSON.h core/event.h core/privacy.h core/shape.h \
 core/xmalloc.h store/store.h core/counters.h core/filter.h core/event.h \
 core/optout.h cli/cli.h
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/event.h:
core/privacy.h:
core/shape.h:
core/xmalloc.h:
store/store.h:
core/counters.h:
core/filter.h:
core/event.h:
core/optout.h:
cli/cli.h:
