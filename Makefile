# ikewatch — plain GNU Makefile (see README "Why make").
#   make                 release build: build/ikewatch
#   make SAN=1           ASan+UBSan build: build-san/ikewatch
#   make check           unit tests (add SAN=1 for the sanitizer run)
#   make fuzz-replay     replay the fuzz corpora through every parser (gcc)
#   make V=1             show the commands
PKGS      := libmicrohttpd yaml-0.1 zlib libsystemd gnutls
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
REVISION  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

CC        ?= cc
OPT       ?= -O2
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith \
             -Wwrite-strings -Wundef -Wcast-align -Wnull-dereference \
             -Wimplicit-fallthrough
CFLAGS    ?= $(OPT) -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc \
             $(shell pkg-config --cflags $(PKGS)) \
             -DIKW_VERSION='"$(VERSION)"' -DIKW_REVISION='"$(REVISION)"' -MMD -MP
LDLIBS    += $(shell pkg-config --libs $(PKGS)) -lcrypt -lpthread -lm

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

.PHONY: all check fuzz-replay clean
all: $(BUILD)/ikewatch

$(BUILD)/ikewatch: $(MAIN_OBJ) $(BUILD)/libikewatch.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libikewatch.a: $(LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_HELP) $(BUILD)/libikewatch.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(BUILD)/libikewatch.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

check: $(TEST_BINS) $(BUILD)/ikewatch
	@tests/unit/run.sh $(TEST_BINS)

fuzz-replay: $(REPLAY_BINS)
	@tests/fuzz/replay.sh $(BUILD)/fuzz

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
