build-dev/core/counters.o: core/counters.c core/counters.h core/event.h
core/counters.h:
core/event.h:
