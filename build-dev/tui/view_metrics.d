build-dev/tui/view_metrics.o: tui/view_metrics.c tui/tui_int.h \
 core/catalog.h /usr/include/cjson/cJSON.h core/decode.h core/event.h \
 core/filter.h core/stats.h core/switches.h tui/draw.h tui/theme.h \
 tui/tui.h core/counters.h core/event.h core/optout.h
tui/tui_int.h:
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/decode.h:
core/event.h:
core/filter.h:
core/stats.h:
core/switches.h:
tui/draw.h:
tui/theme.h:
tui/tui.h:
core/counters.h:
core/event.h:
core/optout.h:
