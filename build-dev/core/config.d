build-dev/core/config.o: core/config.c core/config.h core/event.h \
 core/hosts.h core/units.h core/xmalloc.h
core/config.h:
core/event.h:
core/hosts.h:
core/units.h:
core/xmalloc.h:
