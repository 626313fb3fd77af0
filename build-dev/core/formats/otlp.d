build-dev/core/formats/otlp.o: core/formats/otlp.c core/formats/../utf8.h \
 core/formats/../xmalloc.h core/formats/formats.h \
 /usr/include/cjson/cJSON.h core/formats/../decode.h \
 core/formats/../event.h core/formats/json.h core/formats/../event.h \
 core/formats/../privacy.h core/formats/span.h build-dev/gen/otlp.pb-c.h \
 core/formats/otlp_int.h
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
build-dev/gen/otlp.pb-c.h:
core/formats/otlp_int.h:
