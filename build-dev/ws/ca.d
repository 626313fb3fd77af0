build-dev/ws/ca.o: ws/ca.c core/hosts.h core/event.h core/xmalloc.h \
 ws/ca.h
core/hosts.h:
core/event.h:
core/xmalloc.h:
ws/ca.h:
