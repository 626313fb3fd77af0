build-dev/ws/worker.o: ws/worker.c core/auth.h core/decode.h core/event.h \
 core/xmalloc.h ws/ws_int.h core/counters.h core/event.h ws/body.h \
 core/hosts.h ws/h1.h ws/tls.h ws/ws.h
core/auth.h:
core/decode.h:
core/event.h:
core/xmalloc.h:
ws/ws_int.h:
core/counters.h:
core/event.h:
ws/body.h:
core/hosts.h:
ws/h1.h:
ws/tls.h:
ws/ws.h:
