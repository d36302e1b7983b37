# topokit - see README.md. Adding a tool is one word in TOOLS and a folder cmd/<tool>/.
CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

TOOLS = topo-discover topo-admit cpuset-alloc spread-check numa-verify
# tools that call libhwloc (discovery; cpuset-alloc binds with the system calls)
HWLOC_TOOLS = topo-discover
# topo-discover and spread-check draw pictures (-o svg|png|pdf) through cairo
# (SVG, PNG and PDF with real text metrics, as lstopo draws): its headers at
# build time, and common/picture.c loads libcairo.so.2 when a picture is asked
# for, so no tool links it

BUILD ?= build
BIN ?= bin
SANITIZE ?=

DEPS_PKGS = libhwloc-dev libcairo2-dev libyaml-dev libjansson-dev bats pkg-config mandoc hwloc jq python3 bzip2 time zsh fish pre-commit python3-yaml python3-jsonschema python3-rfc3987 libxml2-utils prometheus
PKGS = yaml-0.1 jansson
WARN = -Wall -Wextra -Werror -Wstrict-prototypes -Wvla -Wwrite-strings -Wshadow
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Icommon \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) hwloc cairo 2>/dev/null)
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
HWLOC_LIBS = $(shell $(PKG_CONFIG) --libs hwloc 2>/dev/null)
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

COMMON_SRC = $(sort $(wildcard common/*.c))
COMMON_OBJ = $(COMMON_SRC:%.c=$(BUILD)/%.o)
LIB = $(BUILD)/libtopokit.a
UNIT_SRC = $(sort $(wildcard tests/unit/test-*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRC = $(sort $(wildcard tests/helpers/*.c))
HELPER_BIN = $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/tests/%)

all: $(TOOLS:%=$(BIN)/%)

# each object depends on the headers it includes (-MMD -MP writes them to .d)
$(BUILD)/%.o: %.c | pkgcheck
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# a missing library is named plainly, not left to the compiler's "hwloc.h:
# No such file" (the pkg-config calls above stay quiet for make deps and clean)
pkgcheck:
	@$(PKG_CONFIG) --exists $(PKGS) hwloc cairo 2>/dev/null || { \
	  $(PKG_CONFIG) --print-errors --exists $(PKGS) hwloc cairo; \
	  echo "topokit: missing build dependencies: run 'make deps' as root, or: apt-get install $(DEPS_PKGS)" >&2; \
	  exit 2; }

$(LIB): $(COMMON_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# numa-verify --explain re-runs topo-admit's admission: its objects but main
numa-verify_EXTRA = $(filter-out %/main.o,$(topo-admit_OBJ))
define tool_rule
$(1)_SRC = $$(sort $$(wildcard cmd/$(1)/*.c))
$(1)_OBJ = $$($(1)_SRC:%.c=$(BUILD)/%.o)
$(BIN)/$(1): $$($(1)_OBJ) $$($(1)_EXTRA) $(LIB)
	@mkdir -p $(BIN)
	$$(CC) $$(LDFLAGS) -o $$@ $$($(1)_OBJ) $$($(1)_EXTRA) $(LIB) $(if $(filter $(1),$(HWLOC_TOOLS)),$$(HWLOC_LIBS)) $$(LIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))
-include $(COMMON_OBJ:.o=.d) $(foreach t,$(TOOLS),$($(t)_OBJ:.o=.d))

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# test-merge compiles topo-admit's merge.c in, test-merge-cases hints.c too
$(BUILD)/tests/test-merge: cmd/topo-admit/merge.c cmd/topo-admit/merge.h
$(BUILD)/tests/test-merge-cases: cmd/topo-admit/merge.c cmd/topo-admit/merge.h cmd/topo-admit/hints.c cmd/topo-admit/ta.h
# test-nearmiss and test-advise compile spread-check's files in
$(BUILD)/tests/test-nearmiss: cmd/spread-check/nearmiss.c cmd/spread-check/nearmiss.h
$(BUILD)/tests/test-advise: cmd/spread-check/advise.c cmd/spread-check/advise.h \
	cmd/spread-check/cluster.c cmd/spread-check/cluster.h cmd/spread-check/filters.c \
	cmd/spread-check/podtopo.c cmd/spread-check/nearmiss.c
# test-deploymath compiles spread-check's deploymath.c in
$(BUILD)/tests/test-deploymath: cmd/spread-check/deploymath.c cmd/spread-check/deploymath.h
$(BUILD)/tests/test-volumes: cmd/spread-check/volumes.c cmd/spread-check/volumes.h \
	cmd/spread-check/cluster.c cmd/spread-check/cluster.h
$(BUILD)/tests/test-filters: cmd/spread-check/filters.c cmd/spread-check/filters.h cmd/spread-check/chain.c \
	cmd/spread-check/cluster.c cmd/spread-check/cluster.h cmd/spread-check/podtopo.c cmd/spread-check/volumes.c \
	cmd/spread-check/interpod.c cmd/spread-check/interpod.h cmd/spread-check/nodevolumes.c
$(BUILD)/tests/test-nodevolumes: cmd/spread-check/nodevolumes.c cmd/spread-check/volumes.h cmd/spread-check/chain.c \
	cmd/spread-check/cluster.c cmd/spread-check/cluster.h cmd/spread-check/filters.c cmd/spread-check/volumes.c

$(BUILD)/tests/%: tests/helpers/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# Install the Debian packages when something is missing (root), else say how.
deps:
	@if $(PKG_CONFIG) --exists $(PKGS) hwloc cairo 2>/dev/null && command -v bats >/dev/null \
	   && command -v jq >/dev/null && command -v mandoc >/dev/null && command -v bzip2 >/dev/null \
	   && [ -x /usr/bin/time ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing: $(DEPS_PKGS)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEPS_PKGS) >/dev/null; \
	else echo "missing dependencies; run: sudo apt-get install $(DEPS_PKGS)"; exit 2; fi

build-all: all $(UNIT_BIN) $(HELPER_BIN)

# bats files run TEST_JOBS at a time (TEST_JOBS=1 streams the output);
# TESTS="tests/a.bats tests/b.bats" runs only those (check, sanitize, valgrind)
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

check: deps
	@$(MAKE) --no-print-directory build-all
	@BUILD=$(BUILD) TK_BIN=$(abspath $(BIN)) TK_JOBS=$(TEST_JOBS) tests/run $(TESTS)

# A sanitizer failure exits 97, so that it can never pass for a verdict.
sanitize: export ASAN_OPTIONS = exitcode=97:detect_leaks=1
sanitize: export UBSAN_OPTIONS = print_stacktrace=1:exitcode=97
sanitize: export LSAN_OPTIONS = suppressions=$(abspath tests/lsan.supp):print_suppressions=0
sanitize: export TK_SANITIZE = 1
sanitize: deps
	@$(MAKE) --no-print-directory check BUILD=build-san BIN=build-san/bin \
	  SANITIZE=address,undefined CFLAGS="-O1 -g"

# The whole suite again, every tool run inside valgrind (memcheck, definite
# leaks are errors). TESTS (or VALGRIND_TESTS) picks bats files.
valgrind: deps
	@$(MAKE) --no-print-directory build-all
	@BUILD=$(BUILD) TK_BIN=$(abspath $(BIN)) TK_VALGRIND=1 TK_JOBS=$(TEST_JOBS) \
	  $(if $(VALGRIND_TESTS),TK_WITH_UNIT=1) tests/run $(or $(TESTS),$(VALGRIND_TESTS))

# Every benchmark, one table (tests/bench/run); BENCH=name picks some,
# BENCH_INSTR=1 adds instruction counts. Never part of check or CI.
bench: all $(HELPER_BIN)
	@TK_BIN=$(abspath $(BIN)) TK_TEST=$(abspath $(BUILD))/tests/tk-test tests/bench/run $(BENCH)

demo: deps
	@$(MAKE) --no-print-directory all
	@tests/demo.sh

# kubectl plugins (kubectl-<name>, as krew lays them out) install beside the tools
PLUGINS = $(notdir $(wildcard plugins/kubectl-*))
MAN1 = $(notdir $(wildcard man/*.1))
MAN7 = $(notdir $(wildcard man/*.7))

# Every path is quoted (a DESTDIR or PREFIX with a space stays one path) and
# any failed step fails the target.
install: all
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man7" \
	  "$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)"
	install -m 755 $(TOOLS:%=$(BIN)/%) $(PLUGINS:%=plugins/%) "$(DESTDIR)$(BINDIR)"
	install -m 644 $(MAN1:%=man/%) "$(DESTDIR)$(MANDIR)/man1"
	install -m 644 $(MAN7:%=man/%) "$(DESTDIR)$(MANDIR)/man7"
	set -e; for t in $(TOOLS); do \
	  install -m 644 completions/bash/$$t "$(DESTDIR)$(BASHCOMPDIR)/$$t"; \
	  install -m 644 completions/zsh/_$$t "$(DESTDIR)$(ZSHCOMPDIR)/_$$t"; \
	  install -m 644 completions/fish/$$t.fish "$(DESTDIR)$(FISHCOMPDIR)/$$t.fish"; \
	done

# Removes exactly what install put there (directories are shared, they stay).
uninstall:
	set -e; for f in $(TOOLS) $(PLUGINS); do rm -f "$(DESTDIR)$(BINDIR)/$$f"; done; \
	for f in $(MAN1); do rm -f "$(DESTDIR)$(MANDIR)/man1/$$f"; done; \
	for f in $(MAN7); do rm -f "$(DESTDIR)$(MANDIR)/man7/$$f"; done; \
	for t in $(TOOLS); do \
	  rm -f "$(DESTDIR)$(BASHCOMPDIR)/$$t" "$(DESTDIR)$(ZSHCOMPDIR)/_$$t" \
	    "$(DESTDIR)$(FISHCOMPDIR)/$$t.fish"; \
	done

clean:
	rm -rf build build-san build-fuzz bin

.PHONY: all deps build-all check sanitize valgrind bench demo install uninstall clean pkgcheck

# ---- fuzzing (clang libFuzzer); see tests/fuzz/README.md ----
FUZZ_SECONDS ?= 60
FUZZ_BUILD = build-fuzz
FUZZ_SRC = $(filter-out tests/fuzz/fuzz-tool.c tests/fuzz/fuzz-procfs.c,$(sort $(wildcard tests/fuzz/fuzz-*.c)))
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -Icommon $(shell $(PKG_CONFIG) --cflags $(PKGS) hwloc cairo 2>/dev/null) \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
# Every source is compiled once for every target: main renamed and exit()
# turned into a jump back to the harness (fuzz-tool.c); the parser targets
# get a plain exit from tests/fuzz/exit.c.
FUZZ_RENAME = -Dmain=tool_main -Dexit=tk_fuzz_exit -Datexit=tk_fuzz_atexit
FUZZ_TOOL_OBJ = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(sort $(wildcard $(TOOLS:%=cmd/%/*.c))))

$(FUZZ_BUILD)/obj/%.o: %.c | pkgcheck
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(FUZZ_RENAME) -MMD -MP -c -o $@ $<
-include $(wildcard $(FUZZ_BUILD)/obj/*/*.d $(FUZZ_BUILD)/obj/cmd/*/*.d)
$(FUZZ_BUILD)/exit.o: tests/fuzz/exit.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libtopokit.a: $(COMMON_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_BUILD)/exit.o $(FUZZ_BUILD)/libtopokit.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/exit.o $(FUZZ_BUILD)/libtopokit.a $(LIBS)

# whole-tool targets (tests/fuzz/tools.list): linked from the objects above
fuzz-build: $(FUZZ_BIN) $(FUZZ_TOOL_OBJ)
	@tests/fuzz/build-tools $(FUZZ_BUILD) "$(FUZZ_CFLAGS) $(FUZZ_RENAME)" "$(HWLOC_LIBS) $(LIBS)"

# Long runs: make fuzz FUZZ_SECONDS=600 [FUZZ_TARGETS="fuzz-doc fuzz-procfs"]
fuzz: deps fuzz-build
	@tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# CI: replay kept crashers, then a short run of each target
fuzz-smoke: deps fuzz-build
	@tests/fuzz/run $(FUZZ_BUILD) $(or $(FUZZ_SMOKE_SECONDS),12)

.PHONY: fuzz fuzz-build fuzz-smoke
