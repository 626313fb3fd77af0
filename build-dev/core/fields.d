build-dev/core/fields.o: core/fields.c core/fields.h core/path.h
core/fields.h:
core/path.h:
