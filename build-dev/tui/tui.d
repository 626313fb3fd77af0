build-dev/tui/tui.o: tui/tui.c core/decode.h core/event.h core/xmalloc.h \
 tui/theme.h tui/tui_int.h core/catalog.h /usr/include/cjson/cJSON.h \
 core/filter.h core/stats.h core/switches.h tui/draw.h tui/tui.h \
 core/counters.h core/event.h core/optout.h
core/decode.h:
core/event.h:
core/xmalloc.h:
tui/theme.h:
tui/tui_int.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/filter.h:
core/stats.h:
core/switches.h:
tui/draw.h:
tui/tui.h:
core/counters.h:
core/event.h:
core/optout.h:
