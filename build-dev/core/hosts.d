build-dev/core/hosts.o: core/hosts.c core/auth.h core/hosts.h \
 core/event.h
core/auth.h:
core/hosts.h:
core/event.h:
