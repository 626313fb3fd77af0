build-dev/core/jsonscan.o: core/jsonscan.c core/jsonscan.h core/utf8.h
core/jsonscan.h:
core/utf8.h:
