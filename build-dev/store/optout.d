build-dev/store/optout.o: store/optout.c core/decode.h core/event.h \
 core/xmalloc.h store/pg.h store/store.h core/catalog.h \
 /usr/include/cjson/cJSON.h core/counters.h core/event.h core/filter.h \
 core/optout.h store/store_int.h core/stats.h
core/decode.h:
core/event.h:
core/xmalloc.h:
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
