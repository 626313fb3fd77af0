build-dev/core/path.o: core/path.c /usr/include/cjson/cJSON.h core/json.h \
 core/jsonscan.h core/path.h core/utf8.h core/xmalloc.h
/usr/include/cjson/cJSON.h:
core/json.h:
core/jsonscan.h:
core/path.h:
core/utf8.h:
core/xmalloc.h:
