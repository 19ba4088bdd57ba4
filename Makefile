# nflogd - top-level GNU Makefile.
#   make [all]          build nflogd and nflogctl into $(BUILD)/
#   make check          unit tests (cmocka), no privilege needed
#   make test           deps + build + unit tests + end-to-end tests in netns (root)
#   make demo           deps + build + a live demo in a private network namespace (root)
#   make bench          micro-benchmarks of the packet path (ns per operation)
#   make fuzz           libFuzzer targets, FUZZ_SECONDS each (clang)
#   make install        PREFIX=/usr/local DESTDIR=
#   make clean
# Knobs: V=1 shows commands; SANITIZE=address,undefined builds into build/san/.

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(origin CC),default)
CC	:= cc
endif

BUILD	?= build
ifneq ($(SANITIZE),)
BUILD	:= build/san
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

WARN	:= -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	   -Wformat=2 -Wpointer-arith -Wcast-align -Wwrite-strings -Wundef \
	   -Wmissing-declarations -Wredundant-decls -Wnested-externs -Wvla \
	   -Wdeclaration-after-statement -Wno-unused-parameter
CFLAGS	?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) -MMD -MP -Inflogd -I$(BUILD)
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS) -pthread

PKGS	:= libnetfilter_log libmnl libnftnl
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2);
endif

# Library modules: everything in nflogd/ except the two programs, plus the
# knowledge base that kb/genkb compiles from $(KBDIR)/*.tsv (KBDIR=dir builds
# another set, e.g. tests/data/kb; remove $(BUILD)/kb_data.c when switching).
LIB_SRCS := $(filter-out nflogd/nflogd.c nflogd/nflogctl%.c,$(wildcard nflogd/*.c))
# nflogctl is its main file plus one file per group of commands.
CTL_OBJS := $(patsubst nflogd/%.c,$(BUILD)/obj/%.o,$(wildcard nflogd/nflogctl_*.c))
LIB_OBJS := $(LIB_SRCS:nflogd/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/kb_data.o
KBDIR	 ?= kb
# genkb is a host tool built from sources, not from $(LIB): the library
# contains its output.
GENKB_SRCS := kb/genkb.c nflogd/kbparse.c nflogd/kbindex.c nflogd/phf.c
GENKB_HDRS := nflogd/kb.h nflogd/kb_internal.h nflogd/kbparse.h nflogd/kbindex.h nflogd/phf.h
LIB	 := $(BUILD)/libnflog.a

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

PROGS	:= $(BUILD)/nflogd $(BUILD)/nflogctl
TOOLS	:= $(BUILD)/pktgen

FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang

.PHONY: all check test check-netns demo install uninstall clean deps fuzz bench
all: $(PROGS)

$(BUILD)/obj/%.o: nflogd/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/genkb: $(GENKB_SRCS) $(GENKB_HDRS)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) $(ALL_LDFLAGS) -o $@ $(GENKB_SRCS)

$(BUILD)/kb_data.c: $(BUILD)/genkb $(wildcard $(KBDIR)/*.tsv)
	$(call msg,GEN,$@)
	$(Q)$(BUILD)/genkb $(KBDIR) $@

$(BUILD)/obj/kb_data.o: $(BUILD)/kb_data.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/nflogctl: $(BUILD)/obj/nflogctl.o $(CTL_OBJS) $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(CTL_OBJS) $(LIB) $(PKG_LIBS)

$(BUILD)/%: $(BUILD)/obj/%.o $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%.o: tests/unit/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) -lcmocka

$(BUILD)/pktgen: scripts/pktgen.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

$(BUILD)/micro: tests/bench/micro.c $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# Figures, not assertions (doc/BENCHMARKS.md).
bench: $(BUILD)/micro
	$(Q)$(BUILD)/micro

# libFuzzer targets: clang only, always with ASan and UBSan.
build/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(BUILD)/kb_data.c
	$(call msg,FUZZCC,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 -Inflogd $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(LIB_SRCS) $(BUILD)/kb_data.c $(PKG_LIBS) -pthread

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		printf '  FUZZ    %s (%ss)\n' $$f $(FUZZ_SECONDS); \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=build/fuzz/ 2>&1 | \
			grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || exit 1; \
	done

# Keep objects: they carry the -MMD dependency files.
.SECONDARY:

check: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
		printf '  UNIT    %s\n' $$t; $$t || fail=1; \
	done; exit $$fail

deps:
	$(Q)scripts/deps.sh

check-netns: $(PROGS) $(TOOLS)
	$(Q)NFLOGD_BUILD=$(BUILD) tests/netns/run.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all check
	$(Q)$(MAKE) --no-print-directory check-netns

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NFLOGD_BUILD=$(BUILD) scripts/demo.sh

install: $(PROGS)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/nflogd/nft
	install -m 0755 $(BUILD)/nflogd $(DESTDIR)$(PREFIX)/sbin/nflogd
	install -m 0755 $(BUILD)/nflogctl $(DESTDIR)$(PREFIX)/bin/nflogctl
	install -m 0644 nft/*.nft $(DESTDIR)$(PREFIX)/share/nflogd/nft/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/nflogd $(DESTDIR)$(PREFIX)/bin/nflogctl
	rm -rf $(DESTDIR)$(PREFIX)/share/nflogd

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
