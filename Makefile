# CorralOS build. `make` builds dist/; `make run` boots it; `make test` runs every test.
# Downloads and expensive intermediates are cached outside the clone (CACHE), keyed by their inputs.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := all

VERSION := $(shell cat VERSION)
CACHE ?= /var/cache/corralos
OUT ?= out
DIST ?= dist
# Fixed timestamps make the initrd and ISO reproducible: the last commit's time, or a constant outside git.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1764000000)
export VERSION CACHE OUT DIST SOURCE_DATE_EPOCH

DOTNET ?= dotnet
RID := linux-x64
CS_SOURCES := $(shell find src -name '*.cs' -o -name '*.csproj' 2>/dev/null) Directory.Build.props Directory.Packages.props VERSION

.PHONY: all deps ros kernel images consoles engines initrd os-image iso upgrade-os floor-initrd run test bench bench-engine clean

all: $(DIST)/ros $(DIST)/vmlinuz $(DIST)/images/os-base.tar $(DIST)/initrd $(DIST)/images/os.tar $(DIST)/consoles/os-console-debian.tar $(DIST)/engines/os-podman.tar $(DIST)/corralos.iso

# Installs the Debian packages the build, `run` and tests need (only those missing).
deps:
	@build/install-deps.sh

# The multi-call NativeAOT binary. Any IL/AOT analysis warning fails the build.
$(DIST)/ros: $(CS_SOURCES) | deps
	@mkdir -p $(OUT) $(DIST)
	$(DOTNET) publish src/Cli/CorralOS.Cli.csproj -c Release -r $(RID) -p:Version=$(VERSION) -o $(OUT)/publish 2>&1 | tee $(OUT)/publish.log
	@if grep -q 'warning IL' $(OUT)/publish.log; then echo 'IL/AOT warnings on publish (see above)'; exit 1; fi
	cp $(OUT)/publish/ros $@

ros: $(DIST)/ros

# Debian's kernel (vmlinuz + the module subset CorralOS needs, in $(OUT)/modules); fetch-debs.sh
# downloads the Debian packages into $(CACHE)/debs and extracts them into $(OUT)/sysroot.
$(DIST)/vmlinuz: build/kernel.sh build/fetch-debs.sh images/initrd/modules.list images/initrd/packages.list | deps
	build/kernel.sh

kernel: $(DIST)/vmlinuz

# The system images (images/system/*) as docker save archives in $(DIST)/images/; os-base.tar stands for all of them.
$(DIST)/images/os-base.tar: $(DIST)/ros $(DIST)/vmlinuz build/images.sh build/common.sh $(shell find images/system -type f 2>/dev/null) | deps
	build/images.sh

images: $(DIST)/images/os-base.tar

# The initrd and, beside it, the system images file (an erofs of the on-demand images, kept out of RAM): one run.
$(DIST)/initrd $(DIST)/system-images &: $(DIST)/ros $(DIST)/vmlinuz $(DIST)/images/os-base.tar build/initrd.sh build/common.sh $(shell find images/initrd images/services -type f 2>/dev/null) | deps
	build/initrd.sh

initrd: $(DIST)/initrd

# The OS image corralos/os:$(VERSION) (images/os): one OS version's files (images/os/files.list) and the installer.
$(DIST)/images/os.tar: $(DIST)/ros $(DIST)/vmlinuz $(DIST)/initrd $(DIST)/system-images $(DIST)/images/os-base.tar build/os-image.sh build/common.sh $(shell find images/os -type f 2>/dev/null) | deps
	build/os-image.sh

os-image: $(DIST)/images/os.tar

# The persistent consoles (images/consoles/*): debootstrap, its layer cached in $(CACHE)/consoles by its inputs.
# Shipped on the ISO, not in the initrd.
$(DIST)/consoles/os-console-debian.tar: build/consoles.sh build/console-rootfs.sh build/common.sh $(shell find images/consoles -type f 2>/dev/null) | deps
	build/consoles.sh

consoles: $(DIST)/consoles/os-console-debian.tar

# The alternative User Docker engines (images/engines/*): built as the consoles, cached in $(CACHE)/engines; the docker
# CLI they share with the console comes from the sysroot (kernel.sh's fetch-debs.sh). Shipped on the ISO.
$(DIST)/engines/os-podman.tar: $(DIST)/vmlinuz build/engines.sh build/consoles.sh build/console-rootfs.sh build/common.sh $(shell find images/engines -type f 2>/dev/null) | deps
	build/engines.sh

engines: $(DIST)/engines/os-podman.tar

$(DIST)/corralos.iso: $(DIST)/vmlinuz $(DIST)/initrd $(DIST)/system-images $(DIST)/images/os.tar $(DIST)/consoles/os-console-debian.tar $(DIST)/engines/os-podman.tar build/iso.sh $(shell find images/iso -type f 2>/dev/null) | deps
	build/iso.sh

iso: $(DIST)/corralos.iso

# A second OS version of the same build, corralos/os:$(VERSION)-b, and a broken one whose init exits, for the upgrade
# end-to-end test (build/upgrade-os.sh): this Makefile's OS image target run again with that version over dist/'s ros
# and kernel (ros reads its version from the os-release the build writes; no second publish), cached in
# $(CACHE)/upgrade-os by a hash of its inputs, so a warm cache costs a hash and a copy.
$(DIST)/upgrade/os.tar: $(DIST)/ros $(DIST)/vmlinuz $(DIST)/consoles/os-console-debian.tar Makefile $(shell find build images -type f 2>/dev/null) | deps
	build/upgrade-os.sh

upgrade-os: $(DIST)/upgrade/os.tar

# The benchmark floor: the same kernel with a busybox-only initrd that prints a marker and powers off.
$(OUT)/bench/floor-initrd: $(DIST)/vmlinuz build/floor-initrd.sh build/common.sh | deps
	build/floor-initrd.sh

floor-initrd: $(OUT)/bench/floor-initrd

# Boots the ISO in QEMU: serial console on this terminal, SSH on 127.0.0.1:2222.
run: all
	build/run-qemu.sh

# The upgrade end-to-end test (tests/Install.Tests) needs the second OS versions of upgrade-os.
test: all upgrade-os
	build/run-tests.sh

bench: all floor-initrd bench-engine
	build/bench.sh

# System Docker's figures alone (run --rm vs crun, idle RSS, ps -a, pull): needs dist/ros, not the ISO.
bench-engine: $(DIST)/ros
	build/bench-engine.sh

clean:
	rm -rf $(OUT) $(DIST) artifacts
