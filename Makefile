# driver-tool: `make run` builds and lists the demo tree; `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
MAKEFLAGS += --no-print-directory

DOTNET  ?= dotnet
CONFIG  ?= Release
BIN     := build/obj/driver-tool
SEAMS   := build/test-obj/driver-tool
FIXTURE := fixtures/Dmv.Fixtures/bin/$(CONFIG)/net10.0/dmv-fixture.dll
CHECK   ?= ../shared/tools/check-contract.py
VERSION ?= $(shell sed -n 's:.*<Version Condition=".*">\(.*\)</Version>.*:\1:p' Directory.Build.props)
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

FLOOR   := build/bench/floor
CC      ?= cc

.PHONY: all setup check-dotnet publish publish-seams fixture floor demo run test fuzz bench bench-micro dist rpm clean

all: publish

# Debian packages the tests need (idempotent: installs only what is missing).
setup:
	@scripts/setup-machine.sh test

# The Native AOT executable, stripped, into build/obj/.
publish:
	$(DOTNET) publish src/Dmv.Cli -c $(CONFIG) -o build/obj --nologo -v quiet -p:Version=$(VERSION)
	@ls -l $(BIN) | awk '{print "published", $$NF, $$5, "bytes"}'

# The test build: the same executable with the test seams (DRIVER_TOOL_TEST_*) compiled in, into
# build/test-obj/; only the tests run it. The shipped binary honours no such variable.
publish-seams:
	$(DOTNET) publish src/Dmv.Cli -c $(CONFIG) -o build/test-obj --nologo -v quiet -p:Version=$(VERSION) -p:TestSeams=true
	@ls -l $(SEAMS) | awk '{print "published (test build)", $$NF, $$5, "bytes"}'

fixture:
	$(DOTNET) build fixtures/Dmv.Fixtures -c $(CONFIG) --nologo -v quiet

# A small generated host: 2 kernels x 8 drivers x 3 variants, sysfs PCI devices and loaded-module notes;
# --depmod-ready: relative links and depmod's index files, so a select's real depmod -b is clean on it.
demo: fixture
	$(DOTNET) $(FIXTURE) --out build/demo --seed 1 --kernels 2 --drivers 8 --variants 3 --devices 12 --depmod-ready

# One line instead of make's "dotnet: No such file or directory" when the SDK is missing.
run: check-dotnet publish demo
	@echo "== $(BIN) --root build/demo -l"
	@$(BIN) --root build/demo -l | tee build/demo-list.json
	@if [ -f $(CHECK) ]; then python3 $(CHECK) list build/demo-list.json && echo "== check-contract.py list: accepted"; \
	 else echo "== $(CHECK) not found: contract check skipped"; fi
	@echo "== $(BIN) --root build/demo -l --format table"
	@$(BIN) --root build/demo -l --format table

check-dotnet:
	@command -v $(DOTNET) >/dev/null 2>&1 || { echo "make run: the .NET SDK ($(DOTNET)) is not on PATH; install the .NET 10 SDK first (README: On a fresh machine)" >&2; exit 1; }

test: setup publish publish-seams rpm
	@scripts/run-tests.sh $(CONFIG)

# The seeded fuzz tests at length (make test runs a few hundred cases each): FUZZ_CASES, FUZZ_SEED.
FUZZ_CASES ?= 5000
FUZZ_SEED  ?= 20261121
fuzz: setup publish
	DRIVER_TOOL_FUZZ_CASES=$(FUZZ_CASES) DRIVER_TOOL_FUZZ_SEED=$(FUZZ_SEED) \
	  $(DOTNET) test tests/Dmv.Cli.Tests -c $(CONFIG) --nologo --filter 'FullyQualifiedName~Dmv.Cli.Tests.FuzzTests'

# build/stage/: the installed tree (the RPM's layout); build/dist/: a tarball of it, modes kept.
dist: publish
	@rm -rf build/stage
	@scripts/stage.sh build/stage $(VERSION)
	@mkdir -p build/dist
	tar -C build/stage --owner=0 --group=0 --numeric-owner -czf build/dist/driver-tool-$(VERSION)-x86_64.tar.gz .

# The RPM, built by rpmbuild from the staged tree, into build/dist/.
rpm: dist
	@rm -rf build/rpmbuild && mkdir -p build/rpmbuild
	rpmbuild -bb --quiet --define "_topdir $(CURDIR)/build/rpmbuild" --define "stage $(CURDIR)/build/stage" \
	  --define "pkg_version $(VERSION)" rpm/driver-tool.spec
	cp build/rpmbuild/RPMS/x86_64/driver-tool-$(VERSION)-1.x86_64.rpm build/dist/

# Command-line benchmarks with hyperfine and /usr/bin/time on generated trees (see bench/README.md),
# then driver-tool's ratios to its floor (bench/ratios.sh, build/bench/ratios.md).
bench: publish fixture
	@scripts/setup-machine.sh bench
	@$(MAKE) floor
	@bench/run.sh
	@bench/run-modules.sh
	@bench/run-kernels.sh
	@bench/ratios.sh

# The floor programs (plain C reference points, bench/floor/) and the .NET Native AOT hello world.
floor: $(FLOOR)/floor-list $(FLOOR)/floor-inspect $(FLOOR)/floor-select $(FLOOR)/hello $(FLOOR)/ratios-run build/bench/hello-aot/hello-aot

$(FLOOR)/%: bench/floor/%.c
	@mkdir -p $(FLOOR)
	$(CC) -O2 -Wall -o $@ $<

$(FLOOR)/ratios-run: bench/ratios-run.c
	@mkdir -p $(FLOOR)
	$(CC) -O2 -Wall -o $@ $<

build/bench/hello-aot/hello-aot: bench/floor/HelloAot/HelloAot.csproj bench/floor/HelloAot/Program.cs src/NativeAot.targets Directory.Build.props
	$(DOTNET) publish bench/floor/HelloAot -c Release -o build/bench/hello-aot --nologo -v quiet

# In-process micro-benchmarks of the hot readers with BenchmarkDotNet.
bench-micro:
	$(DOTNET) run -c Release --project bench/Dmv.Bench -- --filter '*'

clean:
	rm -rf build
	$(DOTNET) clean Dmv.Aot.sln -v quiet --nologo >/dev/null || true
	find . -type d \( -name bin -o -name obj -o -name bin-seams -o -name obj-seams \) -path '*/src/*' -prune -exec rm -rf {} + || true
	rm -rf bench/floor/HelloAot/bin bench/floor/HelloAot/obj
