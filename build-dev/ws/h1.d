build-dev/ws/h1.o: ws/h1.c core/utf8.h core/xmalloc.h ws/h1.h
core/utf8.h:
core/xmalloc.h:
ws/h1.h:
