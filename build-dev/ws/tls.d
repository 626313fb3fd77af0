build-dev/ws/tls.o: ws/tls.c core/xmalloc.h ws/tls.h
core/xmalloc.h:
ws/tls.h:
