build-dev/core/formats/posthog.o: core/formats/posthog.c \
 core/formats/../xmalloc.h core/formats/formats.h \
 /usr/include/cjson/cJSON.h core/formats/../decode.h \
 core/formats/../event.h core/formats/json.h core/formats/../event.h \
 core/formats/../privacy.h core/formats/span.h
core/formats/../xmalloc.h:
core/formats/formats.h:
/usr/include/cjson/cJSON.h:
core/formats/../decode.h:
core/formats/../event.h:
core/formats/json.h:
core/formats/../event.h:
core/formats/../privacy.h:
core/formats/span.h:
