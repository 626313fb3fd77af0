build-dev/core/formats/json.o: core/formats/json.c \
 core/formats/../decode.h core/formats/../event.h core/formats/../utf8.h \
 core/formats/../xmalloc.h core/formats/json.h /usr/include/cjson/cJSON.h \
 core/formats/../event.h
core/formats/../decode.h:
core/formats/../event.h:
core/formats/../utf8.h:
core/formats/../xmalloc.h:
core/formats/json.h:
/usr/include/cjson/cJSON.h:
core/formats/../event.h:
