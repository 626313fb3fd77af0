build-dev/store/store.o: store/store.c core/decode.h core/event.h \
 core/hmap.h core/xmalloc.h store/pack.h store/pg.h store/store.h \
 core/catalog.h /usr/include/cjson/cJSON.h core/counters.h core/event.h \
 core/filter.h core/optout.h store/store_int.h core/stats.h
core/decode.h:
core/event.h:
core/hmap.h:
core/xmalloc.h:
store/pack.h:
store/pg.h:
store/store.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/counters.h:
core/event.h:
core/filter.h:
core/optout.h:
store/store_int.h:
core/stats.h:
