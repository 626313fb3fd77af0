build-dev/ws/client.o: ws/client.c core/xmalloc.h ws/body.h ws/client.h
core/xmalloc.h:
ws/body.h:
ws/client.h:
