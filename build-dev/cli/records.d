build-dev/cli/records.o: cli/records.c /usr/include/cjson/cJSON.h \
 core/decode.h core/event.h core/eventjson.h core/utf8.h core/xmalloc.h \
 cli/records.h
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/eventjson.h:
core/utf8.h:
core/xmalloc.h:
cli/records.h:
