build-dev/core/formats/otlpsig.o: core/formats/otlpsig.c \
 core/formats/../utf8.h core/formats/../xmalloc.h core/formats/formats.h \
 /usr/include/cjson/cJSON.h core/formats/../decode.h \
 core/formats/../event.h core/formats/json.h core/formats/../event.h \
 core/formats/../privacy.h core/formats/span.h core/formats/otlp_int.h \
 build-dev/gen/otlp.pb-c.h
core/formats/../utf8.h:
core/formats/../xmalloc.h:
core/formats/formats.h:
/usr/include/cjson/cJSON.h:
core/formats/../decode.h:
core/formats/../event.h:
core/formats/json.h:
core/formats/../event.h:
core/formats/../privacy.h:
core/formats/span.h:
core/formats/otlp_int.h:
build-dev/gen/otlp.pb-c.h:
