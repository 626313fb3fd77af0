build-dev/cli/send.o: cli/send.c /usr/include/cjson/cJSON.h core/decode.h \
 core/event.h core/xmalloc.h ws/body.h ws/client.h cli/cli.h
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/xmalloc.h:
ws/body.h:
ws/client.h:
cli/cli.h:
