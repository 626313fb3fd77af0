build-dev/tests/pg/test_store_pg: tests/pg/test_store_pg.c \
 /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h core/catalog.h \
 /usr/include/cjson/cJSON.h core/event.h core/optout.h core/event.h \
 core/stats.h core/xmalloc.h store/store.h core/counters.h core/filter.h \
 tests/pg/pgtest.h
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/event.h:
core/optout.h:
core/event.h:
core/stats.h:
core/xmalloc.h:
store/store.h:
core/counters.h:
core/filter.h:
tests/pg/pgtest.h:
