build-dev/ws/server.o: ws/server.c core/auth.h core/decode.h core/event.h \
 core/hmap.h core/json.h core/optout.h core/xmalloc.h ws/body.h ws/ws.h \
 core/counters.h core/event.h core/hosts.h ws/ws_int.h ws/h1.h ws/tls.h
core/auth.h:
core/decode.h:
core/event.h:
core/hmap.h:
core/json.h:
core/optout.h:
core/xmalloc.h:
ws/body.h:
ws/ws.h:
core/counters.h:
core/event.h:
core/hosts.h:
ws/ws_int.h:
ws/h1.h:
ws/tls.h:
