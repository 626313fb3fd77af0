build-dev/core/eventjson.o: core/eventjson.c /usr/include/cjson/cJSON.h \
 core/decode.h core/event.h core/eventjson.h core/json.h core/jsonscan.h \
 core/stats.h core/utf8.h core/xmalloc.h
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/eventjson.h:
core/json.h:
core/jsonscan.h:
core/stats.h:
core/utf8.h:
core/xmalloc.h:
