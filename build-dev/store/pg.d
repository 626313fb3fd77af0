build-dev/store/pg.o: store/pg.c /usr/include/cjson/cJSON.h \
 /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h core/catalog.h core/counters.h \
 core/event.h core/filter.h core/event.h core/optout.h core/utf8.h \
 core/xmalloc.h store/pg.h store/store.h
/usr/include/cjson/cJSON.h:
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
core/catalog.h:
core/counters.h:
core/event.h:
core/filter.h:
core/event.h:
core/optout.h:
core/utf8.h:
core/xmalloc.h:
store/pg.h:
store/store.h:
