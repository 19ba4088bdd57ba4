# SPDX-License-Identifier: GPL-2.0-or-later
# nflogd - top-level GNU Makefile.
#   make [all]          build nflogd and nflogctl into $(BUILD)/
#   make check          unit tests (cmocka), no privilege needed
#   make test           deps + build + unit tests + end-to-end tests in netns (root)
#   make demo           deps + build + a live demo in a private network namespace (root)
#   make bench          micro-benchmarks, then (root) nflogd vs minimal consumer,
#                       ulogd2 and tcpdump at the kernel's limit; QUICK=1: shorter
#   make fuzz           libFuzzer targets, FUZZ_SECONDS each (clang)
#   make check-systemd  build the .deb, install it in a booted Debian 12 container (root)
#   make check-fleet    three firewall hosts, real rsyslogd and Prometheus, in netns (root)
#   make deb            the Debian package (dpkg-buildpackage) from a clean copy, in $(BUILD)/deb/
#   make install        PREFIX=/usr/local DESTDIR=
#   make clean
# Knobs: V=1 shows commands; SANITIZE=address,undefined builds into build/san/;
#   GEOIP=0 builds without libmaxminddb (default: with it when pkg-config finds
#   it), e.g. make GEOIP=0 BUILD=build/nogeo.

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
# The version has one source, debian/changelog's first line (no dpkg-dev needed
# to read it); $(BUILD)/version.h carries it to nflogd --version and nflogctl.
VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
ifeq ($(VERSION),)
$(error cannot read the version from debian/changelog)
endif

PKGS	:= libnetfilter_log libmnl libnftnl
# GeoIP/ASN enrichment in nflogctl (report/geoip.c) is optional: off, the
# programs build and say "built without libmaxminddb" where it would show.
GEOIP	?= $(shell $(PKG_CONFIG) --exists libmaxminddb 2>/dev/null && echo 1 || echo 0)
ifeq ($(GEOIP),1)
PKGS	+= libmaxminddb
endif
GEOIP_CFLAGS := -DNFLOGD_HAVE_MAXMINDDB=$(if $(filter 1,$(GEOIP)),1,0)

ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) $(GEOIP_CFLAGS) -MMD -MP \
	      -Inflogd -I$(BUILD)
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS) -pthread

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2);
endif

# Sources, one folder per pipeline stage (nflogd/README.md). The library is
# every module but the two programs' own files (daemon/nflogd.c, and ctl/'s
# dispatcher and subcommands), plus the knowledge base that kb/genkb compiles
# from $(KBDIR)/*.tsv (KBDIR=dir builds another set, e.g. tests/data/kb; remove
# $(BUILD)/kb_data.c when switching).
STAGES   := util ring capture localnet classify correlate report suggest ruleset daemon ctl
ALL_SRCS := $(wildcard $(STAGES:%=nflogd/%/*.c))
NFLOGD_SRCS := nflogd/daemon/nflogd.c
CTL_SRCS := nflogd/ctl/nflogctl.c $(wildcard nflogd/ctl/cmd_*.c)
LIB_SRCS := $(filter-out $(NFLOGD_SRCS) $(CTL_SRCS),$(ALL_SRCS))
CTL_OBJS := $(CTL_SRCS:nflogd/%.c=$(BUILD)/obj/%.o)
LIB_OBJS := $(LIB_SRCS:nflogd/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/kb_data.o
KBDIR	 ?= kb
# genkb is a host tool built from sources, not from $(LIB): the library
# contains its output.
GENKB_SRCS := kb/genkb.c $(wildcard nflogd/classify/kbparse*.c) nflogd/classify/kbindex.c \
	      nflogd/classify/phf.c
GENKB_HDRS := $(wildcard nflogd/classify/kb*.h) nflogd/classify/phf.h
LIB	 := $(BUILD)/libnflog.a

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

PROGS	:= $(BUILD)/nflogd $(BUILD)/nflogctl
TOOLS	:= $(BUILD)/pktgen

FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang

.PHONY: all check test check-netns check-fleet check-systemd deb demo install uninstall clean deps fuzz bench
all: $(PROGS)

# The objects that include it are named: on a first build there is no .d file yet.
$(BUILD)/version.h: debian/changelog
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)printf '/* version.h - generated from debian/changelog by the Makefile. */\n#define NFLOGD_VERSION "%s"\n' \
		'$(VERSION)' >$@
$(BUILD)/obj/daemon/options.o $(BUILD)/obj/ctl/nflogctl.o $(BUILD)/obj/ctl/cmd_prom.o \
	$(BUILD)/obj/daemon/metrics.o build/fuzz/obj/daemon/options.o \
	build/fuzz/obj/daemon/metrics.o: $(BUILD)/version.h

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

$(BUILD)/nflogctl: $(CTL_OBJS) $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CTL_OBJS) $(LIB) $(PKG_LIBS)

$(BUILD)/nflogd: $(NFLOGD_SRCS:nflogd/%.c=$(BUILD)/obj/%.o) $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

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
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# corrmicro compiles corrthread.c in (its round function is static), so it
# depends on that file too.
$(BUILD)/corrmicro: tests/bench/corrmicro.c nflogd/correlate/corrthread.c $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# Bench-only programs: the packet-mix generator, the minimal NFLOG consumer
# (receive and count), the delay reader and the correlator's per-record cost.
BENCH_BINS := $(BUILD)/micro $(BUILD)/nfgen $(BUILD)/nflmin $(BUILD)/nfdelay $(BUILD)/corrmicro \
	      $(BUILD)/ringfill $(BUILD)/popfault $(BUILD)/genjsonl

# genjsonl: a collector's JSON Lines from many hosts, for `nflogctl fleet`'s
# lines/s and peak RSS (doc/BENCHMARKS.md).
$(BUILD)/genjsonl: tests/bench/genjsonl.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# ringfill: a ring of classified drops for the reader's figures (nflogctl read
# with and without --geoip, doc/BENCHMARKS.md).
$(BUILD)/ringfill: tests/bench/ringfill.c $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# popfault: the ring writer's page faults per record, with and without the
# populate at start-up (issue 16, doc/BENCHMARKS.md).
$(BUILD)/popfault: tests/bench/popfault.c $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) -lpthread

$(BUILD)/nfgen: scripts/nfgen.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

$(BUILD)/nflmin: tests/bench/nflmin.c $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

$(BUILD)/nfdelay: tests/bench/delay.c $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# Figures, not assertions (doc/BENCHMARKS.md): micro-benchmarks, then (as root)
# the end-to-end comparison in network namespaces and the drain of a 200,000-
# message backlog (tests/bench/drain.sh). QUICK=1: shorter runs.
# The correlator is counted inside its round only (writing the records does not
# count), from 20000 records on: past its 8192 sources, so the random stream is
# measured while every new source evicts an old one.
MICRO_OPS       := nlparse nlwalk decode lookup direct classify crc append append-nocrc path path-rand read json text
MICRO_OPS_QUICK := crc path read
bench: $(PROGS) $(BENCH_BINS)
	$(Q)$(BUILD)/micro
	$(Q)tests/bench/callgrind.sh $(BUILD)/micro $(if $(filter-out 0,$(QUICK)),$(MICRO_OPS_QUICK),$(MICRO_OPS))
	$(Q)tests/bench/callgrind.sh -n 20000,100000 -c corrmicro_round -u record \
		-t "correlator thread, instructions per record" $(BUILD)/corrmicro random mix
	$(Q)NFLOGD_BUILD=$(BUILD) QUICK=$(QUICK) scripts/bench.sh || [ $$? -eq 77 ]
	$(Q)NFLOGD_BUILD=$(BUILD) QUICK=$(QUICK) tests/bench/drain.sh || [ $$? -eq 77 ]

# libFuzzer targets: clang only, always with ASan and UBSan. The library is
# compiled once for all of them (instrumented, but without libFuzzer's main).
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Inflogd -I$(BUILD) -fno-sanitize-recover=all $(GEOIP_CFLAGS)
FUZZ_OBJS  := $(LIB_SRCS:nflogd/%.c=build/fuzz/obj/%.o) build/fuzz/obj/kb_data.o

build/fuzz/obj/%.o: nflogd/%.c
	$(call msg,FUZZCC,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
		-MMD -MP -c -o $@ $<

build/fuzz/obj/kb_data.o: $(BUILD)/kb_data.c
	$(call msg,FUZZCC,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(FUZZ_OBJS) $(PKG_LIBS) -pthread

# Each target starts from a copy of its seeds (tests/fuzz/corpus/TARGET/, made by
# tests/fuzz/mkcorpus.sh) in $(FUZZ_WORK)/TARGET/, where the fuzzer also keeps
# what it finds: runs build on each other, and nothing is written into the tree.
# Seeds stored as *.gz (rings: 45 KB, mostly zeros) are unpacked there.
# tests/fuzz/TARGET.flags holds extra libFuzzer flags (-max_len=...). The full
# log is build/fuzz/TARGET.log; a crash, or an input that runs for more than
# 25 s (a hang), fails the target and leaves its input in build/fuzz/TARGET-*;
# the other targets still run, and `make fuzz` fails at the end.
FUZZ_WORK := build/fuzz/corpus-work

fuzz: $(FUZZ_BINS)
	@failed=; for f in $(FUZZ_BINS); do \
		n=$${f##*/}; w=$(FUZZ_WORK)/$$n; \
		mkdir -p $$w; \
		[ ! -d tests/fuzz/corpus/$$n ] || cp -R tests/fuzz/corpus/$$n/. $$w/ || exit 1; \
		find $$w -name '*.gz' -exec gunzip -f {} + || exit 1; \
		printf '  FUZZ    %s (%ss, %s inputs to start)\n' $$f $(FUZZ_SECONDS) "$$(ls $$w | wc -l)"; \
		rc=0; $$f -max_total_time=$(FUZZ_SECONDS) -timeout=25 -print_final_stats=1 \
			-artifact_prefix=build/fuzz/$$n- $$(cat tests/fuzz/$$n.flags 2>/dev/null) \
			$$w >build/fuzz/$$n.log 2>&1 || rc=$$?; \
		grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|ERROR|SUMMARY' build/fuzz/$$n.log; \
		[ $$rc -eq 0 ] || { tail -n 40 build/fuzz/$$n.log; echo "  FAIL    $$n (status $$rc)"; \
			failed="$$failed $$n"; }; \
	done; \
	[ -z "$$failed" ] || { echo "fuzz: failed:$$failed"; exit 1; }

# Keep objects: they carry the -MMD dependency files.
.SECONDARY:

check: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
		printf '  UNIT    %s\n' $$t; $$t || fail=1; \
	done; exit $$fail

deps:
	$(Q)scripts/deps.sh test

check-netns: $(PROGS) $(TOOLS)
	$(Q)NFLOGD_BUILD=$(BUILD) tests/netns/run.sh

# Three hosts shipping through rsyslog to a collector, scraped by Prometheus
# (tests/fleet/run.sh); installs rsyslog, rsyslog-relp and prometheus when missing.
check-fleet: $(PROGS) $(TOOLS)
	$(Q)scripts/deps.sh fleet
	$(Q)NFLOGD_BUILD=$(BUILD) tests/fleet/run.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all check
	$(Q)$(MAKE) --no-print-directory check-netns

# The package always builds in build/deb/ (also with SANITIZE): a release build.
deb:
	$(Q)scripts/deps.sh deb
	$(Q)scripts/mkdeb.sh build/deb

# The .deb installed in a booted Debian 12 container (tests/systemd/run.sh).
check-systemd: deb
	$(Q)tests/systemd/run.sh build/deb/nflogd_$(VERSION)_*.deb

demo:
	$(Q)scripts/deps.sh demo
	$(Q)$(MAKE) --no-print-directory all
	$(Q)NFLOGD_BUILD=$(BUILD) scripts/demo.sh

# make install: programs, man pages, kb/ and nft/ for reference, the default
# settings file (never over an existing one), the systemd unit, the state
# directory and, when DESTDIR is empty, the nflogd system user and group.
# make uninstall removes what install put there but keeps $(SYSCONFDIR)/nflogd
# (settings, local.kb), the ring in $(STATEDIR) and the user; PURGE=1 removes
# those too. UNITDIR: where the units go ($(PREFIX)/lib/systemd/system is on
# systemd's search path for /usr/local and /usr alike); the sysusers.d and
# tmpfiles.d entries go under LIBDIR (also searched in /usr/local/lib), so the
# user and the state directory exist wherever systemd runs, install or not.
SYSCONFDIR ?= /etc
STATEDIR   ?= /var/lib/nflogd
UNITDIR    ?= $(PREFIX)/lib/systemd/system
LIBDIR     ?= $(PREFIX)/lib
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions
MANDIR     ?= $(PREFIX)/share/man
SHAREDIR   := $(PREFIX)/share/nflogd

install: $(PROGS)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHAREDIR)/nft \
		$(DESTDIR)$(SHAREDIR)/kb $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/nflogd \
		$(DESTDIR)$(LIBDIR)/sysusers.d $(DESTDIR)$(LIBDIR)/tmpfiles.d $(DESTDIR)$(COMPDIR)
	install -m 0755 $(BUILD)/nflogd $(DESTDIR)$(PREFIX)/sbin/nflogd
	install -m 0755 $(BUILD)/nflogctl $(DESTDIR)$(PREFIX)/bin/nflogctl
	install -m 0644 nft/*.nft $(DESTDIR)$(SHAREDIR)/nft/
	install -m 0644 kb/*.tsv kb/README.md $(DESTDIR)$(SHAREDIR)/kb/
	install -m 0644 doc/nflogd.8 doc/nflogctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 doc/nflogd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' scripts/nflogd.service >$(DESTDIR)$(UNITDIR)/nflogd.service
	sed 's|@BINDIR@|$(PREFIX)/bin|g' scripts/nflogd-rules.service >$(DESTDIR)$(UNITDIR)/nflogd-rules.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/nflogd.service $(DESTDIR)$(UNITDIR)/nflogd-rules.service
	install -m 0644 scripts/nflogd.sysusers $(DESTDIR)$(LIBDIR)/sysusers.d/nflogd.conf
	install -m 0644 scripts/nflogd.tmpfiles $(DESTDIR)$(LIBDIR)/tmpfiles.d/nflogd.conf
	install -m 0644 scripts/completion/nflogd scripts/completion/nflogctl $(DESTDIR)$(COMPDIR)/
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/nflogd/nflogd.conf ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/nflogd/nflogd.conf; the new default is in $(SHAREDIR)/nflogd.conf"; \
	else \
		install -m 0644 scripts/nflogd.conf $(DESTDIR)$(SYSCONFDIR)/nflogd/nflogd.conf; \
	fi
	install -m 0644 scripts/nflogd.conf $(DESTDIR)$(SHAREDIR)/nflogd.conf
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/nflogd/nflogctl.conf ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/nflogd/nflogctl.conf"; \
	else \
		install -m 0644 scripts/nflogctl.conf $(DESTDIR)$(SYSCONFDIR)/nflogd/nflogctl.conf; \
	fi
	@if [ -n "$(DESTDIR)" ]; then \
		echo "DESTDIR set: not creating the nflogd user and group (the package's job)"; \
	elif id -u nflogd >/dev/null 2>&1; then \
		echo "user nflogd exists"; \
	else \
		echo "useradd --system --user-group --no-create-home --home-dir $(STATEDIR) --shell /usr/sbin/nologin nflogd"; \
		useradd --system --user-group --no-create-home --home-dir $(STATEDIR) \
			--shell /usr/sbin/nologin nflogd; \
	fi
	install -d -m 0750 $(DESTDIR)$(STATEDIR)
	@if [ -z "$(DESTDIR)" ] && getent group nflogd >/dev/null; then chgrp nflogd $(STATEDIR); fi
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then \
		systemctl daemon-reload; \
		echo "start it: systemctl enable --now nflogd (see doc/getting-started.md)"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/nflogd $(DESTDIR)$(PREFIX)/bin/nflogctl \
		$(DESTDIR)$(MANDIR)/man8/nflogd.8 $(DESTDIR)$(MANDIR)/man8/nflogctl.8 \
		$(DESTDIR)$(MANDIR)/man5/nflogd.conf.5 $(DESTDIR)$(UNITDIR)/nflogd.service \
		$(DESTDIR)$(UNITDIR)/nflogd-rules.service $(DESTDIR)$(LIBDIR)/sysusers.d/nflogd.conf \
		$(DESTDIR)$(LIBDIR)/tmpfiles.d/nflogd.conf $(DESTDIR)$(COMPDIR)/nflogd \
		$(DESTDIR)$(COMPDIR)/nflogctl
	rm -rf $(DESTDIR)$(SHAREDIR)
	@if [ "$(PURGE)" = 1 ]; then \
		rm -rf $(DESTDIR)$(SYSCONFDIR)/nflogd $(DESTDIR)$(STATEDIR); \
		if [ -z "$(DESTDIR)" ] && id -u nflogd >/dev/null 2>&1; then userdel nflogd; fi; \
	else \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/nflogd, $(DESTDIR)$(STATEDIR) and the nflogd user (PURGE=1 removes them)"; \
	fi
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then \
		systemctl daemon-reload; fi

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d $(BUILD)/tests/*.d build/fuzz/obj/*/*.d build/fuzz/obj/*.d)
