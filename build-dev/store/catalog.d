build-dev/store/catalog.o: store/catalog.c /usr/include/cjson/cJSON.h \
 core/catalog.h core/hmap.h core/privacy.h core/shape.h core/xmalloc.h \
 store/pack.h store/pg.h store/store.h core/counters.h core/event.h \
 core/filter.h core/event.h core/optout.h store/store_int.h core/stats.h
/usr/include/cjson/cJSON.h:
core/catalog.h:
core/hmap.h:
core/privacy.h:
core/shape.h:
core/xmalloc.h:
store/pack.h:
store/pg.h:
store/store.h:
core/counters.h:
core/event.h:
core/filter.h:
core/event.h:
core/optout.h:
store/store_int.h:
core/stats.h:
