build-dev/cli/werfpb.o: cli/werfpb.c core/xmalloc.h \
 build-dev/gen/otlp.pb-c.h cli/werfpb.h
core/xmalloc.h:
build-dev/gen/otlp.pb-c.h:
cli/werfpb.h:
