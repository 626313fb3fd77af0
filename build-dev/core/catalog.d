build-dev/core/catalog.o: core/catalog.c core/catalog.h \
 /usr/include/cjson/cJSON.h core/decode.h core/event.h core/eventjson.h \
 core/fields.h core/privacy.h core/shape.h core/xmalloc.h
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/eventjson.h:
core/fields.h:
core/privacy.h:
core/shape.h:
core/xmalloc.h:
