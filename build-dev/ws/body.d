build-dev/ws/body.o: ws/body.c core/xmalloc.h ws/body.h
core/xmalloc.h:
ws/body.h:
