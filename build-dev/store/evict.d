build-dev/store/evict.o: store/evict.c core/xmalloc.h store/store_int.h \
 core/stats.h core/event.h store/store.h core/catalog.h \
 /usr/include/cjson/cJSON.h core/counters.h core/event.h core/filter.h \
 core/optout.h
core/xmalloc.h:
store/store_int.h:
core/stats.h:
core/event.h:
store/store.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/counters.h:
core/event.h:
core/filter.h:
core/optout.h:
