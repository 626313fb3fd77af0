build-dev/core/metrics.o: core/metrics.c /usr/include/cjson/cJSON.h \
 core/metrics.h core/hmap.h core/stats.h core/event.h core/xmalloc.h
/usr/include/cjson/cJSON.h:
core/metrics.h:
core/hmap.h:
core/stats.h:
core/event.h:
core/xmalloc.h:
