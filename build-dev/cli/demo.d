build-dev/cli/demo.o: cli/demo.c core/json.h core/xmalloc.h cli/cli.h \
 cli/httpc.h cli/werfpb.h
core/json.h:
core/xmalloc.h:
cli/cli.h:
cli/httpc.h:
cli/werfpb.h:
