build-dev/ws/subscribe.o: ws/subscribe.c core/xmalloc.h ws/body.h \
 ws/subscribe.h
core/xmalloc.h:
ws/body.h:
ws/subscribe.h:
