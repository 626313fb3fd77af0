build-dev/tui/view_fields.o: tui/view_fields.c core/catalog.h \
 /usr/include/cjson/cJSON.h core/privacy.h core/shape.h core/xmalloc.h \
 tui/tui_int.h core/decode.h core/event.h core/filter.h core/stats.h \
 core/switches.h tui/draw.h tui/theme.h tui/tui.h core/counters.h \
 core/event.h core/optout.h
core/catalog.h:
/usr/include/cjson/cJSON.h:
core/privacy.h:
core/shape.h:
core/xmalloc.h:
tui/tui_int.h:
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
