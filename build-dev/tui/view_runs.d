build-dev/tui/view_runs.o: tui/view_runs.c core/decode.h core/event.h \
 core/xmalloc.h tui/tui_int.h core/catalog.h /usr/include/cjson/cJSON.h \
 core/filter.h core/stats.h core/switches.h tui/draw.h tui/theme.h \
 tui/tui.h core/counters.h core/event.h core/optout.h
core/decode.h:
core/event.h:
core/xmalloc.h:
tui/tui_int.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/filter.h:
core/stats.h:
core/switches.h:
tui/draw.h:
tui/theme.h:
tui/tui.h:
core/counters.h:
core/event.h:
core/optout.h:
