build-dev/core/xmalloc.o: core/xmalloc.c core/xmalloc.h
core/xmalloc.h:
