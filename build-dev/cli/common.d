build-dev/cli/common.o: cli/common.c /usr/include/cjson/cJSON.h \
 core/auth.h core/config.h core/event.h core/hosts.h core/units.h \
 core/xmalloc.h store/store.h core/catalog.h core/counters.h \
 core/filter.h core/event.h core/optout.h cli/cli.h
/usr/include/cjson/cJSON.h:
core/auth.h:
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
cli/cli.h:
