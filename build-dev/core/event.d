build-dev/core/event.o: core/event.c /usr/include/cjson/cJSON.h \
 core/event.h core/utf8.h core/xmalloc.h
/usr/include/cjson/cJSON.h:
core/event.h:
core/utf8.h:
core/xmalloc.h:
