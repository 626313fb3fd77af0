build-dev/tui/view_detail.o: tui/view_detail.c /usr/include/cjson/cJSON.h \
 core/fields.h core/filter.h core/event.h core/path.h core/privacy.h \
 core/xmalloc.h core/decode.h core/utf8.h tui/tui_int.h core/catalog.h \
 core/stats.h core/switches.h tui/draw.h tui/theme.h tui/tui.h \
 core/counters.h core/event.h core/optout.h
/usr/include/cjson/cJSON.h:
core/fields.h:
core/filter.h:
core/event.h:
core/path.h:
core/privacy.h:
core/xmalloc.h:
core/decode.h:
core/utf8.h:
tui/tui_int.h:
core/catalog.h:
core/stats.h:
core/switches.h:
tui/draw.h:
tui/theme.h:
tui/tui.h:
core/counters.h:
core/event.h:
core/optout.h:
