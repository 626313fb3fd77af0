build-dev/core/decode.o: core/decode.c core/decode.h core/event.h \
 core/formats/formats.h /usr/include/cjson/cJSON.h \
 core/formats/../decode.h core/formats/json.h core/formats/../event.h \
 core/formats/../privacy.h core/formats/span.h core/formats/json.h \
 core/jsonscan.h core/xmalloc.h
core/decode.h:
core/event.h:
core/formats/formats.h:
/usr/include/cjson/cJSON.h:
core/formats/../decode.h:
core/formats/json.h:
core/formats/../event.h:
core/formats/../privacy.h:
core/formats/span.h:
core/formats/json.h:
core/jsonscan.h:
core/xmalloc.h:
