# podutils - one non-recursive build.
#   lib/**/*.c       -> build/libpod.a
#   bin/X.c          -> build/bin/X
#   tests/unit/test-*.c -> build/tests/test-*   (cmocka)
#   tests/fuzz/fuzz-*.c -> build/fuzz/fuzz-*    (libFuzzer, clang)
.SUFFIXES:
.DELETE_ON_ERROR:

CC       ?= cc
ifeq ($(origin CC),default)
CC       := gcc
endif
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/podutils
LIBDIR   ?= $(PREFIX)/lib
INCDIR   ?= $(PREFIX)/include/podutils
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share
DESTDIR  ?=
VERSION  := $(shell cat VERSION)
GIT_COMMIT := $(shell git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
BUILT_TIME := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

PKGS     := jansson sqlite3 libcurl libseccomp libcap libarchive yaml-0.1 libzstd zlib libcrypto libisal libnftables
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libnftables is opened with dlopen on first use (lib/net/firewall.c): not linked
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libnftables,$(PKGS)) 2>/dev/null)

WERROR   := $(if $(CI),-Werror,)
CFLAGS   ?= -O2 -g
BASE_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 \
	-Wmissing-prototypes -Wstrict-prototypes $(WERROR) \
	-ffunction-sections -fdata-sections -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	-D_GNU_SOURCE -Ilib -Ibuild/gen \
	-DPOD_VERSION='"$(VERSION)"' \
	-DPOD_LIBEXECDIR='"$(LIBEXECDIR)"' $(PKG_CFLAGS)
ALL_CFLAGS = $(BASE_CFLAGS) $(CFLAGS)
LDFLAGS  ?=
ALL_LDFLAGS = -Wl,--gc-sections -Wl,--as-needed $(LDFLAGS)
LIBS     := $(PKG_LIBS) -lpthread -lm
# Every tool links the small libraries statically, as Debian's -dev packages
# ship them: the dynamic loader's symbol lookups across ten libraries cost
# each exec about 0.8 ms, and a `run` execs four tools.  The tools that need
# libcurl or libarchive (DYNAMIC_TOOLS) keep every library shared: those
# pull libcrypto, libz and libzstd in as shared libraries themselves, and
# one process must not hold two copies of OpenSSL.  A tool that starts to
# need libcurl or libarchive fails to link until it is listed there.
STATIC_LIBS := -ljansson -lsqlite3 -lseccomp -lcap -lyaml -lzstd -lz -lcrypto
TOOL_LIBS := -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -lisal -lpthread -lm -ldl
DYNAMIC_TOOLS := pod-import pod-kube pod-load pod-login pod-pull pod-push pod-save pod-search \
	pod-volume
# The three programs every container start execs (the dispatcher, the monitor
# and the runtime) need nothing but those libraries and libc: they are static
# PIEs, with no dynamic loader at all (0.1-0.2 ms less per exec), and the
# monitor, which stays for the container's life, maps no shared libc.
STATIC_PIE_TOOLS := podman pod-monitor pod-oci

LIB_SRC  := $(sort $(shell find lib -name '*.c'))
LIB_OBJ  := $(LIB_SRC:%.c=build/obj/%.o)
BIN_SRC  := $(sort $(wildcard bin/*.c))
BINS     := $(BIN_SRC:bin/%.c=build/bin/%)
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNITS    := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZERS  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
MANS     := $(sort $(wildcard man/man1/*.1))

all: $(BINS)

# the commit and its time change with every commit: keep them in one
# generated header so only the files that print them are rebuilt
build/gen/pod-build-info.h: FORCE
	@mkdir -p $(@D)
	@printf '#define POD_GIT_COMMIT "%s"\n#define POD_BUILT %s\n' '$(GIT_COMMIT)' '$(BUILT_TIME)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

build/obj/%.o: %.c | build/gen/pod-build-info.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build/libpod.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/bin/%: build/obj/bin/%.o build/libpod.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< build/libpod.a $(TOOL_LIBS)

$(addprefix build/bin/,$(DYNAMIC_TOOLS)): build/bin/%: build/obj/bin/%.o build/libpod.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< build/libpod.a $(LIBS)

$(addprefix build/bin/,$(STATIC_PIE_TOOLS)): build/bin/%: build/obj/bin/%.o build/libpod.a
	@mkdir -p $(@D)
	$(CC) -static-pie $(ALL_LDFLAGS) -o $@ $< build/libpod.a $(STATIC_LIBS) -lpthread -lm -ldl

# pod-init and pod-infra (the pod pause process) run inside images that may have no dynamic loader;
# they link only the parts of libpod.a that need no shared library
STATIC_TOOLS := pod-init pod-infra
$(addprefix build/bin/,$(STATIC_TOOLS)): build/bin/%: build/obj/bin/%.o build/libpod.a
	@mkdir -p $(@D)
	$(CC) -static $(ALL_LDFLAGS) -o $@ $< build/libpod.a

build/tests/%: build/obj/tests/unit/%.o build/libpod.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< build/libpod.a $(LIBS) -lcmocka

# Fuzz targets: the library again, instrumented, with clang's libFuzzer.
FUZZ_CC     ?= clang
FUZZ_CFLAGS := $(filter-out $(WERROR),$(BASE_CFLAGS)) -g -O1 -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ    := $(LIB_SRC:%.c=build/fuzzobj/%.o)
build/fuzzobj/%.o: %.c | build/gen/pod-build-info.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
build/fuzz/libpod.a: $(FUZZ_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^
build/fuzz/%: tests/fuzz/%.c build/fuzz/libpod.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libpod.a $(LIBS)

-include $(shell find build -name '*.d' 2>/dev/null)

units: $(UNITS)
fuzzers: $(FUZZERS)

# Unit tests, then bats; the last line is "N passed, N failed".
check: all units
	@tests/run-check.sh

unit: units
	@tests/run-check.sh --unit-only

fuzz: fuzzers
	@tests/fuzz/run.sh $(FUZZERS)

deps:
	@tests/install-deps.sh

quickstart: deps all
	@$(MAKE) --no-print-directory install
	@tests/quickstart.sh

bench: all
	@bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/vendor-completions $(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 0755 build/bin/podman $(DESTDIR)$(BINDIR)/podman
	for b in $(filter-out build/bin/podman,$(BINS)); do \
		install -m 0755 $$b $(DESTDIR)$(LIBEXECDIR)/; \
		ln -sf $$(realpath -m --relative-to=$(BINDIR) $(LIBEXECDIR))/$${b##*/} \
			$(DESTDIR)$(BINDIR)/$${b##*/}; done
	install -m 0644 build/libpod.a $(DESTDIR)$(LIBDIR)/libpod.a
	cd lib && find . -name '*.h' ! -name internal.h ! -name '*-internal.h' -exec install -D -m 0644 {} \
		$(DESTDIR)$(INCDIR)/{} \;
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|' \
		-e 's|@VERSION@|$(VERSION)|; s|@REQUIRES@|$(PKGS)|' mk/libpod.pc.in \
		> $(DESTDIR)$(LIBDIR)/pkgconfig/libpod.pc
	install -m 0644 $(MANS) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 share/completions/bash/* $(DESTDIR)$(DATADIR)/bash-completion/completions/
	install -m 0644 share/completions/zsh/* $(DESTDIR)$(DATADIR)/zsh/vendor-completions/
	install -m 0644 share/completions/fish/* $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/podman $(DESTDIR)$(LIBDIR)/libpod.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libpod.pc
	for b in $(filter-out build/bin/podman,$(BINS)); do \
		rm -f $(DESTDIR)$(BINDIR)/$${b##*/}; done
	rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(INCDIR)
	for m in $(MANS); do rm -f $(DESTDIR)$(MANDIR)/man1/$${m##*/}; done
	for c in share/completions/bash/*; do \
		rm -f $(DESTDIR)$(DATADIR)/bash-completion/completions/$${c##*/}; done
	for c in share/completions/zsh/*; do rm -f $(DESTDIR)$(DATADIR)/zsh/vendor-completions/$${c##*/}; done
	for c in share/completions/fish/*; do \
		rm -f $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$${c##*/}; done

fmt:
	clang-format -i $(LIB_SRC) $(BIN_SRC) $(shell find lib -name '*.h') $(UNIT_SRC) $(FUZZ_SRC)

lint:
	@tests/lint.sh

clean:
	rm -rf build

.PHONY: FORCE all units fuzzers check unit fuzz deps quickstart bench install uninstall fmt lint clean
