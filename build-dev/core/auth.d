build-dev/core/auth.o: core/auth.c core/auth.h core/xmalloc.h
core/auth.h:
core/xmalloc.h:
