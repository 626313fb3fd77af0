build-dev/core/stats.o: core/stats.c /usr/include/cjson/cJSON.h \
 core/hmap.h core/metrics.h core/stats.h core/event.h core/xmalloc.h
/usr/include/cjson/cJSON.h:
core/hmap.h:
core/metrics.h:
core/stats.h:
core/event.h:
core/xmalloc.h:
