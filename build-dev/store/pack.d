build-dev/store/pack.o: store/pack.c core/hmap.h core/privacy.h \
 core/xmalloc.h store/pack.h
core/hmap.h:
core/privacy.h:
core/xmalloc.h:
store/pack.h:
