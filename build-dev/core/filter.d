build-dev/core/filter.o: core/filter.c /usr/include/cjson/cJSON.h \
 core/decode.h core/event.h core/filter.h core/path.h core/xmalloc.h
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/filter.h:
core/path.h:
core/xmalloc.h:
