build-dev/core/timeparse.o: core/timeparse.c core/decode.h core/event.h
core/decode.h:
core/event.h:
