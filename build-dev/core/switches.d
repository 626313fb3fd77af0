build-dev/core/switches.o: core/switches.c core/switches.h core/xmalloc.h
core/switches.h:
core/xmalloc.h:
