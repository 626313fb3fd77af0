build-dev/core/hmap.o: core/hmap.c core/hmap.h core/xmalloc.h
core/hmap.h:
core/xmalloc.h:
