# teltop: `make` builds ./teltop; `make test` installs what it needs and runs
# every test; `make asan` runs the unit and integration tests under
# AddressSanitizer/UBSan; `make bench` runs the ingest benchmark.

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wformat=2 -Wcast-qual -Wwrite-strings -Wundef -Werror
PKGS	 = libwebsockets libcjson sqlite3 ncursesw zlib libprotobuf-c openssl \
	   libzstd yaml-0.1 libcurl libpq
B	?= build
BIN	?= teltop
SANITIZE ?=

-include config.mk

DEPS_OK	:= $(shell scripts/deps.sh >&2 && echo ok)
ifneq ($(DEPS_OK),ok)
$(error missing build dependencies, see above)
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lhttp_parser -lm -pthread
ifneq ($(SANITIZE),)
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif
ALL_CFLAGS = $(CFLAGS) $(SANFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -pthread -I. -I$(B)/gen \
	     $(PKG_CFLAGS) -MMD -MP
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

CORE_SRC  = $(wildcard core/*.c core/formats/*.c)
WS_SRC    = $(wildcard ws/*.c)
STORE_SRC = $(wildcard store/*.c)
TUI_SRC   = $(wildcard tui/*.c)
MAIN_SRC  = main.c $(wildcard cli/*.c)
GEN_SRC   = $(B)/gen/otlp.pb-c.c

CORE_OBJ  = $(CORE_SRC:%.c=$(B)/%.o) $(B)/gen/otlp.pb-c.o
APP_OBJ   = $(CORE_OBJ) $(WS_SRC:%.c=$(B)/%.o) $(STORE_SRC:%.c=$(B)/%.o) \
	    $(TUI_SRC:%.c=$(B)/%.o) $(MAIN_SRC:%.c=$(B)/%.o)

UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

ifeq ($(V),)
Q = @
QUIET_CC = @echo "  CC      $@";
QUIET_LD = @echo "  LINK    $@";
QUIET_GEN = @echo "  GEN     $@";
endif

.PHONY: all run test test-unit test-integration test-screen asan bench \
	clean deps
all: $(BIN)

$(BIN): $(APP_OBJ)
	$(QUIET_LD)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

# The version: a tarball's VERSION file, else git describe; written only
# when it changes, so that an unchanged tree is not relinked.
VERSION_TEXT := $(shell (cat VERSION 2>/dev/null || \
	git describe --tags --always --dirty 2>/dev/null || echo unknown) | \
	head -n 1 | tr -cd 'A-Za-z0-9._+-')
.PHONY: FORCE
$(B)/gen/version.h: FORCE
	@mkdir -p $(B)/gen
	@echo '#define TELTOP_VERSION "$(VERSION_TEXT)"' >$@.tmp; \
	    cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(B)/cli/version.o: $(B)/gen/version.h

# ---- install ----
# make install [PREFIX=/usr/local] [DESTDIR=staging]: the binary, the
# themes (which the binary looks for in $(PREFIX)/share/teltop/themes),
# the systemd user unit, shell completions (bash, zsh, fish), the man page
# and the licence; make uninstall takes them away.
PREFIX	?= /usr/local
DESTDIR	?=
BINDIR	 = $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share/teltop
UNITDIR	 = $(PREFIX)/lib/systemd/user
DOCDIR	 = $(PREFIX)/share/doc/teltop
BASHDIR	 = $(PREFIX)/share/bash-completion/completions
ZSHDIR	 = $(PREFIX)/share/zsh/site-functions
FISHDIR	 = $(PREFIX)/share/fish/vendor_completions.d
MANDIR	 = $(PREFIX)/share/man/man1
THEMES	 = $(wildcard themes/*.theme)
$(B)/tui/theme.o: ALL_CFLAGS += \
	-DTELTOP_THEMES_DIR='"$(SHAREDIR)/themes"'
# the theme directory is built in: a new PREFIX rebuilds theme.o
$(B)/tui/theme.o: $(B)/gen/prefix.txt
$(B)/gen/prefix.txt: FORCE
	@mkdir -p $(B)/gen
	@echo '$(SHAREDIR)' >$@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; \
	    rm -f $@.tmp

.PHONY: install uninstall
install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/themes \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(BASHDIR) \
	    $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/teltop
	install -m 644 $(THEMES) $(DESTDIR)$(SHAREDIR)/themes/
	sed 's|@BINDIR@|$(BINDIR)|g' teltop.service \
	    >$(DESTDIR)$(UNITDIR)/teltop.service
	chmod 644 $(DESTDIR)$(UNITDIR)/teltop.service
	install -m 644 LICENSE README.md $(DESTDIR)$(DOCDIR)/
	install -m 644 completions/teltop.bash $(DESTDIR)$(BASHDIR)/teltop
	install -m 644 completions/_teltop $(DESTDIR)$(ZSHDIR)/_teltop
	install -m 644 completions/teltop.fish $(DESTDIR)$(FISHDIR)/teltop.fish
	install -m 644 teltop.1 $(DESTDIR)$(MANDIR)/teltop.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/teltop $(DESTDIR)$(UNITDIR)/teltop.service
	rm -f $(THEMES:themes/%=$(DESTDIR)$(SHAREDIR)/themes/%)
	rm -f $(DESTDIR)$(DOCDIR)/LICENSE $(DESTDIR)$(DOCDIR)/README.md
	rm -f $(DESTDIR)$(BASHDIR)/teltop $(DESTDIR)$(ZSHDIR)/_teltop \
	    $(DESTDIR)$(FISHDIR)/teltop.fish $(DESTDIR)$(MANDIR)/teltop.1
	-rmdir $(DESTDIR)$(SHAREDIR)/themes $(DESTDIR)$(SHAREDIR) \
	    $(DESTDIR)$(DOCDIR) 2>/dev/null

# make dist: teltop-VERSION.tar.gz of what git tracks at HEAD, with a
# VERSION file, so that it builds where there is no git.
DIST_VERSION := $(shell git describe --tags --always 2>/dev/null | \
	tr -cd 'A-Za-z0-9._+-')
DIST	 = teltop-$(DIST_VERSION)
.PHONY: dist
dist:
	rm -rf $(B)/dist && mkdir -p $(B)/dist/$(DIST)
	git archive --format=tar --prefix=$(DIST)/ HEAD >$(B)/dist/$(DIST).tar
	echo '$(DIST_VERSION)' >$(B)/dist/$(DIST)/VERSION
	tar -rf $(B)/dist/$(DIST).tar -C $(B)/dist $(DIST)/VERSION
	gzip -9 -n -c $(B)/dist/$(DIST).tar >$(DIST).tar.gz
	rm -rf $(B)/dist
	@echo "$(DIST).tar.gz"

# A staging install with only installed files: the binary finds its
# themes, reports its version, and uninstall leaves nothing.
.PHONY: test-install
test-install: deps
	tests/install.sh
test: test-install

$(B)/gen/otlp.pb-c.c $(B)/gen/otlp.pb-c.h: proto/otlp.proto
	@mkdir -p $(B)/gen
	$(QUIET_GEN)protoc-c --c_out=$(B)/gen -Iproto $<

# Generated code gets the compiler's defaults, not our warning list.
$(B)/gen/otlp.pb-c.o: $(B)/gen/otlp.pb-c.c
	$(QUIET_CC)$(CC) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(B)/%.o: %.c $(B)/gen/otlp.pb-c.h
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Unit tests: each links core/, store/, ws/body.o (lws's URL and base64
# decoders only), h1.o and ca.o (no lws in them), tui/theme.o and
# cli/records.o (lws's base64 only); PKG_LIBS brings libwebsockets.
UNIT_LINK = $(CORE_OBJ) $(STORE_SRC:%.c=$(B)/%.o) $(B)/ws/body.o $(B)/ws/h1.o \
	    $(B)/ws/ca.o $(B)/ws/tls.o $(B)/tui/theme.o $(B)/cli/records.o
$(B)/tests/%: tests/unit/%.c $(UNIT_LINK)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) -Icore -o $@ $< $(UNIT_LINK) \
		$(PKG_LIBS) -lcmocka

# The collector and the live UI, with demo traffic from every known tool.
run: teltop
	./teltop --demo

deps:
	scripts/deps.sh test

test-unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do $$t || fail=1; done; exit $$fail

# What the integration and screen tests grep the database through: every
# stored event and body unpacked (tests/integration/unpack.c).
$(B)/tests/unpack: tests/integration/unpack.c $(UNIT_LINK)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) -o $@ $< $(UNIT_LINK) $(PKG_LIBS)

test-integration: teltop $(B)/tests/unpack
	@scripts/deps.sh test
	tests/integration/run.sh ./teltop

test-screen: teltop $(B)/tests/unpack
	@scripts/deps.sh test
	tests/screen/run.sh ./teltop

test: deps test-unit test-integration test-screen

# PostgreSQL (store/pg.c; store.h on it; the commands that run on it;
# collectors under load, killed, and the server restarted under them; the
# UI and a watch on it in tmux)
# against a throwaway cluster on 127.0.0.1 that tests/pg/cluster.sh starts
# and stops around each.
PG_TESTS = $(B)/tests/pg/test_pg $(B)/tests/pg/test_store_pg
$(B)/tests/pg/%: tests/pg/%.c $(UNIT_LINK)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) -o $@ $< $(UNIT_LINK) $(PKG_LIBS) \
		-lcmocka
# The integration suite with its collectors on the cluster, but for the
# opt-out cases, which read the SQLite file (their proofs grep its bytes:
# the PostgreSQL ones are in tests/pg/cli.sh).
PG_IT_SKIP = ^optout:
.PHONY: test-pg
test-pg: $(PG_TESTS) $(BIN) $(B)/fault/faultload $(B)/tests/unpack
	@scripts/deps.sh test
	@for t in $(PG_TESTS); do tests/pg/run.sh $$t || exit 1; done
	tests/pg/run.sh tests/pg/cli.sh ./$(BIN)
	tests/pg/run.sh tests/pg/load.sh ./$(BIN) $(B)/fault/faultload
	tests/pg/run.sh tests/pg/ui.sh ./$(BIN)
	tests/pg/run.sh env SKIP='$(PG_IT_SKIP)' sh -c \
		'IT_DB=$$TELTOP_TEST_PG exec tests/integration/run.sh ./$(BIN)'
test: test-pg

# Fault tests (tests/fault/): the kill -9 loop under WebSocket + HTTP load,
# a full disk, another process holding the write lock, commits that fail.
# `make test-fault` (part of `make test`) runs them all, the loop FAULT_N
# times (5); `make
# soak` runs the loop alone, SOAK_N times (100).
FAULT_N	?= 5
SOAK_N	?= 100
FAULT_HELPERS = $(B)/fault/faultload $(B)/fault/faultdb
.PHONY: test-fault soak
$(B)/fault/faultload: tests/fault/faultload.c
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
		$(shell pkg-config --cflags zlib) -o $@ $< \
		$(shell pkg-config --libs zlib)
$(B)/fault/faultdb: tests/fault/faultdb.c
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(CFLAGS) $(WARN) -std=gnu11 \
		$(shell pkg-config --cflags sqlite3) -o $@ $< \
		$(shell pkg-config --libs sqlite3)
test-fault: $(BIN) $(FAULT_HELPERS)
	@scripts/deps.sh test
	FAULT_BIN=$(B)/fault tests/fault/run.sh -n $(FAULT_N) $(BIN)
soak: $(BIN) $(FAULT_HELPERS)
	@scripts/deps.sh test
	FAULT_BIN=$(B)/fault tests/fault/run.sh -n $(SOAK_N) --only kill $(BIN)
test: test-fault

# The same tests on a sanitized build (its own objects and binary).
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
asan:
	@scripts/deps.sh test
	$(MAKE) B=build-asan BIN=build-asan/teltop \
		SANITIZE=address,undefined CFLAGS="-O1 -g" build-asan/teltop
	$(ASAN_ENV) $(MAKE) B=build-asan BIN=build-asan/teltop \
		SANITIZE=address,undefined CFLAGS="-O1 -g" test-unit \
		build-asan/tests/unpack test-pg
	$(ASAN_ENV) tests/integration/run.sh build-asan/teltop
	$(ASAN_ENV) tests/screen/run.sh build-asan/teltop

# bench: not part of `make test` nor of CI; the tools only need libc and
# sqlite3, not teltop's objects (pgbench, step 8, links store/pg.o: its
# rule is below); the big databases are cached in $(B)/bench.
BENCH_TOOLS = $(B)/bench/load $(B)/bench/rawinsert $(B)/bench/dbinfo \
	$(B)/bench/viewers $(B)/bench/pgbench
bench: $(BIN) $(BENCH_TOOLS)
	bench/run.sh ./$(BIN) $(B)/bench

$(B)/bench/%: bench/%.c bench/bench_event.h
	@mkdir -p $(B)/bench
	$(QUIET_LD)$(CC) -O2 $(WARN) -o $@ $< $(if $(filter load viewers,$*),,-lsqlite3)

# Decoding and privacy findings per event, without network or store:
# `make decodebench`, then run $(B)/bench/decodebench (it links core/).
.PHONY: decodebench
decodebench: $(B)/bench/decodebench
$(B)/bench/decodebench: bench/decodebench.c $(UNIT_LINK)
	@mkdir -p $(B)/bench
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) -o $@ $< $(UNIT_LINK) $(PKG_LIBS)

# The store's own cost on the mix: B/event on disk and insert rate
# (bench/storebench.c); `make storebench STOREBENCH_ARGS="--mode single"`.
STOREBENCH_ARGS ?=
.PHONY: storebench
$(B)/bench/storebench: bench/storebench.c $(UNIT_LINK)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) -o $@ $< $(UNIT_LINK) $(PKG_LIBS)
storebench: $(B)/bench/storebench
	$(B)/bench/storebench --db $(B)/storebench.db $(STOREBENCH_ARGS)
	@rm -f $(B)/storebench.db $(B)/storebench.db-wal $(B)/storebench.db-shm

# store/pg.c's batch commit against a raw COPY of the same rows, on a
# throwaway cluster (bench/pgbench.c); `make pgbench PGBENCH_ARGS="--kind
# bench"`.  bench/run.sh runs it as its last step.
PGBENCH_ARGS ?=
.PHONY: pgbench
$(B)/bench/pgbench: bench/pgbench.c bench/bench_event.h $(UNIT_LINK)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) -o $@ $< $(UNIT_LINK) $(PKG_LIBS)
pgbench: $(B)/bench/pgbench
	tests/pg/run.sh sh -c '$(B)/bench/pgbench --url "$$TELTOP_TEST_PG" $(PGBENCH_ARGS)'

clean:
	rm -rf build build-asan teltop

# ---- fuzz: one libFuzzer target per input parser (tests/fuzz/fuzz_*.c) ----
# `make fuzz` installs clang if needed (scripts/deps.sh fuzz), builds every
# target with libFuzzer, ASan and UBSan into build-fuzz/ (its own objects),
# makes the seed corpora from the fixtures and runs the targets one after the
# other for FUZZ_SECONDS each; any crash, leak, timeout or broken check fails.
# FUZZ_TARGETS="fuzz_body fuzz_time" runs some; SHARED is ../shared.
FUZZ_SECONDS ?= 60
FUZZ_CC	?= clang
FUZZ_B	 = build-fuzz
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_ALL = $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_TARGETS ?= $(FUZZ_ALL)
SHARED	?= ../shared
FUZZ_LINK = $(UNIT_LINK) $(B)/cli/werfpb.o
FUZZ_MAKE = $(MAKE) B=$(FUZZ_B) CC=$(FUZZ_CC) \
	    SANITIZE=fuzzer-no-link,address,undefined \
	    CFLAGS="-O1 -g -fno-sanitize-recover=all"

.PHONY: fuzz fuzz-build fuzz-bins clean-fuzz
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build:
	@scripts/deps.sh fuzz
	+$(Q)$(FUZZ_MAKE) fuzz-bins
	$(Q)rm -rf $(FUZZ_B)/seeds
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(FUZZ_B)/fuzz/mkseeds $(FUZZ_B)/seeds \
		tests/integration/fixtures/* themes/*.theme \
		$(wildcard $(SHARED)/fixtures/real-clients/*.http \
		$(SHARED)/fixtures/real-clients/*.jsonl \
		$(SHARED)/bench/*.json $(SHARED)/formats.md)
	$(Q)mkdir -p $(FUZZ_B)/seeds/fuzz_h1
	$(Q)for f in $(wildcard $(SHARED)/fixtures/real-clients/*.http); do \
		cp "$$f" $(FUZZ_B)/seeds/fuzz_h1/; done

# Run inside $(FUZZ_MAKE): B is build-fuzz, CC clang, objects instrumented.
fuzz-bins: $(FUZZ_ALL:%=$(B)/fuzz/%) $(B)/fuzz/mkseeds

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_events.h \
    $(FUZZ_LINK)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_LINK) $(PKG_LIBS)

$(B)/fuzz/mkseeds: tests/fuzz/mkseeds.c $(FUZZ_LINK)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) -o $@ $< $(FUZZ_LINK) $(PKG_LIBS)

clean: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
