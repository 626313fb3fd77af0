build-dev/tests/pg/test_pg: tests/pg/test_pg.c \
 /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h core/event.h core/filter.h \
 core/event.h core/optout.h core/xmalloc.h store/pg.h store/store.h \
 core/catalog.h /usr/include/cjson/cJSON.h core/counters.h store/store.h \
 tests/pg/pgtest.h
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
core/event.h:
core/filter.h:
core/event.h:
core/optout.h:
core/xmalloc.h:
store/pg.h:
store/store.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/counters.h:
store/store.h:
tests/pg/pgtest.h:
