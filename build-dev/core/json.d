build-dev/core/json.o: core/json.c core/json.h core/xmalloc.h
core/json.h:
core/xmalloc.h:
