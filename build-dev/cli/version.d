build-dev/cli/version.o: cli/version.c /usr/include/cjson/cJSON.h \
 tui/theme.h build-dev/gen/version.h cli/cli.h
/usr/include/cjson/cJSON.h:
tui/theme.h:
build-dev/gen/version.h:
cli/cli.h:
