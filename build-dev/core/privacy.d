build-dev/core/privacy.o: core/privacy.c /usr/include/cjson/cJSON.h \
 core/decode.h core/event.h core/json.h core/path.h core/privacy.h \
 core/xmalloc.h
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/json.h:
core/path.h:
core/privacy.h:
core/xmalloc.h:
