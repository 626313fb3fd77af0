build-dev/core/formats/span.o: core/formats/span.c \
 core/formats/../xmalloc.h core/formats/span.h /usr/include/cjson/cJSON.h
core/formats/../xmalloc.h:
core/formats/span.h:
/usr/include/cjson/cJSON.h:
