build-dev/tui/theme.o: tui/theme.c core/xmalloc.h tui/theme.h
core/xmalloc.h:
tui/theme.h:
