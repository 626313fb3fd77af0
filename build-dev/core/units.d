build-dev/core/units.o: core/units.c core/units.h
core/units.h:
