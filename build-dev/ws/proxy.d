build-dev/ws/proxy.o: ws/proxy.c core/auth.h core/xmalloc.h ws/ca.h \
 ws/ws_int.h core/counters.h core/event.h ws/body.h core/hosts.h ws/h1.h \
 ws/tls.h ws/ws.h
core/auth.h:
core/xmalloc.h:
ws/ca.h:
ws/ws_int.h:
core/counters.h:
core/event.h:
ws/body.h:
core/hosts.h:
ws/h1.h:
ws/tls.h:
ws/ws.h:
