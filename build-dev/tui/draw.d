build-dev/tui/draw.o: tui/draw.c core/path.h core/xmalloc.h tui/draw.h \
 tui/theme.h
core/path.h:
core/xmalloc.h:
tui/draw.h:
tui/theme.h:
