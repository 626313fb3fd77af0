build-dev/store/rollup.o: store/rollup.c /usr/include/cjson/cJSON.h \
 core/hmap.h core/metrics.h core/hmap.h core/stats.h core/event.h \
 core/privacy.h core/shape.h core/stats.h core/xmalloc.h store/pack.h \
 store/store.h core/catalog.h core/counters.h core/event.h core/filter.h \
 core/optout.h store/store_int.h
/usr/include/cjson/cJSON.h:
core/hmap.h:
core/metrics.h:
core/hmap.h:
core/stats.h:
core/event.h:
core/privacy.h:
core/shape.h:
core/stats.h:
core/xmalloc.h:
store/pack.h:
store/store.h:
core/catalog.h:
core/counters.h:
core/event.h:
core/filter.h:
core/optout.h:
store/store_int.h:
