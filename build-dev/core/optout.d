build-dev/core/optout.o: core/optout.c core/optout.h core/event.h \
 core/decode.h core/xmalloc.h
core/optout.h:
core/event.h:
core/decode.h:
core/xmalloc.h:
