build-dev/ws/stream.o: ws/stream.c /usr/include/cjson/cJSON.h \
 core/eventjson.h core/event.h core/stats.h core/xmalloc.h ws/ws_int.h \
 core/counters.h core/event.h ws/body.h core/hosts.h ws/h1.h ws/tls.h \
 ws/ws.h
/usr/include/cjson/cJSON.h:
core/eventjson.h:
core/event.h:
core/stats.h:
core/xmalloc.h:
ws/ws_int.h:
core/counters.h:
core/event.h:
ws/body.h:
core/hosts.h:
ws/h1.h:
ws/tls.h:
ws/ws.h:
