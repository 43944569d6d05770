# ikewatch — plain GNU Makefile (see README "Why make").
#   make                 release build: build/ikewatch
#   make SAN=1           ASan+UBSan build: build-san/ikewatch
#   make check           unit tests (add SAN=1 for the sanitizer run)
#   make fuzz-replay     replay the fuzz corpora through every parser (gcc)
#   make check T=test_num  one unit test
#   make V=1             show the commands
#   make install [PREFIX=/usr/local] [DESTDIR=]   and make uninstall
PKGS      := libmicrohttpd yaml-0.1 zlib libsystemd gnutls libcurl
# libcurl's headers only: it is dlopen()ed at the first request (src/http/http_curl.h)
LINK_PKGS := $(filter-out libcurl,$(PKGS))
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
# the revision: git's, else a REVISION file (a source tarball), else unknown
REVISION  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || cat REVISION 2>/dev/null || echo unknown)

CC        ?= cc
OPT       ?= -O2
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith \
             -Wwrite-strings -Wundef -Wcast-align -Wnull-dereference \
             -Wimplicit-fallthrough
CFLAGS    ?= $(OPT) -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CPPFLAGS) $(CFLAGS) -Isrc \
             $(shell pkg-config --cflags $(PKGS)) \
             -MMD -MP
# apart from ALL_CFLAGS, so that a new revision is not a flag change
VERSION_DEFS = -DIKW_VERSION='"$(VERSION)"' -DIKW_REVISION='"$(REVISION)"'
LDLIBS    += $(shell pkg-config --libs $(LINK_PKGS)) -lcrypt -lpthread -lm

ifeq ($(SAN),1)
  BUILD   ?= build-san
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
  ALL_CFLAGS += $(SANFLAGS)
  LDFLAGS += $(SANFLAGS)
  OPT     := -O1
else
  BUILD   ?= build
  # the exposition's name checks are asserts: on in the sanitizer build
  # that the tests run, off on the scrape path of the release build
  ALL_CFLAGS += -DNDEBUG
  # hardened release (hardening-check build/ikewatch): canaries, fortified
  # libc calls, a position-independent executable, read-only relocations
  # bound at start, stack clash probes, CET control-flow marks
  HARDEN  := -fstack-protector-strong -fstack-clash-protection -fcf-protection \
             -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fPIE
  LDFLAGS += -pie -Wl,-z,relro,-z,now
endif

ifeq ($(V),1)
  Q :=
else
  Q := @
endif

LIB_SRCS   := $(filter-out src/main.c,$(wildcard src/*/*.c))
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ   := $(BUILD)/src/main.o
TEST_SRCS  := $(wildcard tests/unit/test_*.c)
TEST_BINS  := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELP  := $(BUILD)/tests/unit/testlib.o
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BINS := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILD)/fuzz/replay_%)

.PHONY: all check fuzz-replay clean install uninstall FORCE
all: $(BUILD)/ikewatch

# The version and revision are compiled into the files that print them; those
# objects depend on a stamp rewritten only when either changes, so that a
# commit never leaves a stale revision in the binary.
VERSION_STAMP := $(BUILD)/version.stamp
VERSION_USERS := $(patsubst %.c,$(BUILD)/%.o,$(shell grep -l 'IKW_VERSION\|IKW_REVISION' src/*.c src/*/*.c 2>/dev/null))
$(VERSION_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION) $(REVISION)' | cmp -s - $@ || echo '$(VERSION) $(REVISION)' >$@
$(VERSION_USERS): $(VERSION_STAMP)
# the same for the compiler and its flags: a change rebuilds every object
FLAGS_STAMP := $(BUILD)/flags.stamp
$(FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS)' >$@

$(BUILD)/ikewatch: $(MAIN_OBJ) $(BUILD)/libikewatch.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libikewatch.a: $(LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(VERSION_DEFS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_HELP) $(BUILD)/libikewatch.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(BUILD)/libikewatch.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# make check T=test_num (or T="test_num test_json") runs only those
ifneq ($(T),)
  CHECK_BINS := $(addprefix $(BUILD)/tests/,$(notdir $(T)))
else
  CHECK_BINS := $(TEST_BINS)
endif
check: $(CHECK_BINS) $(BUILD)/ikewatch
	@tests/unit/run.sh $(CHECK_BINS)

fuzz-replay: $(REPLAY_BINS)
	@tests/fuzz/replay.sh $(BUILD)/fuzz

clean:
	rm -rf build build-san

include install.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
