# SPDX-License-Identifier: Apache-2.0
#
# Specwright: one non-recursive Makefile over one static library.
#
#   make              build libspecwright.a and the specwright binary
#   make test         build and run every unit and integration test
#   make check        the same suite under AddressSanitizer + UBSan
#   make deps         install build and test dependencies (Debian 12)
#   make install      install binary, man page and completions (PREFIX=/usr/local)
#   make bench        run the benchmarks in bench/
#
# Objects go to $(BUILD) (default build/); V=1 shows full commands.
# Module sources are every .c file in the module folders: adding a module
# means adding files, not editing this list.

BUILD ?= build
PREFIX ?= /usr/local
CC ?= cc

PKGS := libgit2 libcurl libuv libmicrohttpd libcjson libcmark md4c-html sqlite3 yaml-0.1
TEST_PKGS := cmocka

DEV_CFLAGS := -Wall -Wextra -Werror -Wvla -Wstrict-prototypes -Wwrite-strings -Wformat=2 -Wshadow \
	-Wno-format-nonliteral
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -MMD -MP $(DEV_CFLAGS) $(CFLAGS) $(SAN_CFLAGS) -Isrc -I. \
	$(shell pkg-config --cflags $(PKGS))
ALL_LDFLAGS = $(LDFLAGS) $(SAN_CFLAGS)
LIBS = $(shell pkg-config --libs $(PKGS)) -lm

ifeq ($(SAN),1)
SAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

MODULE_DIRS := src/base src/kiro src/model src/agent src/acp src/knowledge src/git src/dispatch \
	specs-engine hooks flock mcp web src/cmd
LIB_SRCS := $(sort $(foreach d,$(MODULE_DIRS),$(wildcard $(d)/*.c)))
LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
MAIN_OBJ := $(BUILD)/obj/src/main.o
LIB := $(BUILD)/libspecwright.a
BIN := $(BUILD)/specwright

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TEST_HELPER_SRCS := $(wildcard tests/unit/helpers/*.c)
TEST_HELPER_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(TEST_HELPER_SRCS))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)

ifeq ($(V),1)
Q :=
QUIET_CC =
QUIET_AR =
QUIET_LINK =
else
Q := @
QUIET_CC = @echo '   CC $<';
QUIET_AR = @echo '   AR $@';
QUIET_LINK = @echo ' LINK $@';
endif

# Test objects are intermediate files of a chain; keep them between runs.
.SECONDARY:

.PHONY: all test check deps install bench clean unit-tests fuzz hdr-check check-layers

all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags $(TEST_PKGS)) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(QUIET_AR)ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LIBS)
	@ln -sf $(notdir $(BIN)) $(BUILD)/sw 2>/dev/null || true

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_HELPER_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_HELPER_OBJS) $(LIB) $(LIBS) \
		$(shell pkg-config --libs $(TEST_PKGS))

unit-tests: $(UNIT_BINS)

test: $(BIN) $(UNIT_BINS)
	@tests/check-layers.sh
	@BUILD=$(BUILD) SPECWRIGHT=$(abspath $(BIN)) tests/run.sh

check:
	$(Q)$(MAKE) --no-print-directory SAN=1 BUILD=$(BUILD)/san CFLAGS="-O1 -g" test
	$(Q)$(MAKE) --no-print-directory fuzz-run

# libFuzzer targets (clang); run briefly by 'make check' when clang is present.
FUZZ_BUILD := $(BUILD)/fuzz
fuzz:
	$(Q)if [ -n "$(FUZZ_SRCS)" ] && command -v clang >/dev/null; then \
		$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) \
			SAN_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined" $(FUZZ_BUILD)/libspecwright.a && \
		for f in $(FUZZ_SRCS); do n=$$(basename $$f .c); \
			clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -I. \
				$$(pkg-config --cflags $(PKGS)) -o $(FUZZ_BUILD)/$$n $$f \
				$(FUZZ_BUILD)/libspecwright.a $(LIBS) || exit 1; done; \
	else echo "fuzz: no fuzz targets or no clang; skipped"; fi

# The seed corpus is copied: libFuzzer adds what it finds to the folder it runs on.
fuzz-run: fuzz
	$(Q)for f in $(FUZZ_SRCS); do n=$$(basename $$f .c); \
		if [ -x $(FUZZ_BUILD)/$$n ]; then \
			rm -rf $(FUZZ_BUILD)/corpus-$$n && mkdir -p $(FUZZ_BUILD)/corpus-$$n && \
			{ [ ! -d tests/fuzz/corpus/$$n ] || cp tests/fuzz/corpus/$$n/* $(FUZZ_BUILD)/corpus-$$n/; } && \
			$(FUZZ_BUILD)/$$n -max_total_time=20 -rss_limit_mb=1024 \
				$(FUZZ_BUILD)/corpus-$$n || exit 1; fi; done

# Each header compiles on its own.
hdr-check:
	$(Q)for h in $(foreach d,$(MODULE_DIRS),$(wildcard $(d)/*.h)); do \
		echo "#include \"$$h\"" | $(CC) $(ALL_CFLAGS) -x c -c -o /dev/null - || exit 1; done

# A module includes only headers of its own layer or below (DESIGN.md).
check-layers:
	$(Q)tests/check-layers.sh

deps:
	$(Q)tools/install-deps.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/specwright
	install -m 0644 doc/specwright.1 $(DESTDIR)$(PREFIX)/share/man/man1/specwright.1
	install -m 0644 contrib/completion/specwright.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/specwright
	install -m 0644 contrib/completion/_specwright $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_specwright

bench: $(BIN)
	$(Q)for b in bench/*.sh; do [ -x $$b ] && SPECWRIGHT=$(abspath $(BIN)) $$b; done; true

clean:
	rm -rf $(BUILD)

# The prompt files are embedded (.incbin) in this object.
$(BUILD)/obj/specs-engine/prompts.o: $(wildcard specs-engine/prompts/*.md)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
