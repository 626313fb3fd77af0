build-dev/cli/wrap.o: cli/wrap.c /usr/include/cjson/cJSON.h core/decode.h \
 core/event.h core/xmalloc.h cli/child.h cli/cli.h cli/httpc.h \
 cli/werfpb.h
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/xmalloc.h:
cli/child.h:
cli/cli.h:
cli/httpc.h:
cli/werfpb.h:
