build-dev/core/shape.o: core/shape.c core/jsonscan.h core/path.h \
 core/shape.h core/xmalloc.h
core/jsonscan.h:
core/path.h:
core/shape.h:
core/xmalloc.h:
