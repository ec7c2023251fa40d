# SPDX-License-Identifier: GPL-2.0
# Builds a Rust crate as a kernel module through Kbuild. The crate's Kbuild file is:
#
#     obj-m := hello.o
#     include $(src)/<path to this repository>/kbuild/rust-module.mk
#
# The crate is a staticlib named after the module. cargo builds it, with core and alloc, using
# the kernel's code-generation flags (rustflags.mk); it becomes an object of the module <module>.o,
# beside the C objects the Kbuild file names in <module>-y, and objtool checks and annotates it
# (ORC, return and retpoline sites, ...) as it does C objects. Kbuild then does what it does for
# any module: modpost, the .mod.c file, vermagic, modversions CRCs, the .ko. Pass RUSTC=/CARGO=
# on the make command line to choose the toolchain, and KUNIT=1 to build the crate's in-kernel
# tests in (its `kunit` feature).

rust-module := $(obj-m:.o=)
ifneq ($(words $(rust-module)),1)
$(error rust-module.mk: obj-m must name exactly one module, not '$(obj-m)')
endif

rust-kbuild-dir := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# The module's C files see kbuild/include first: its <linux/tracepoint.h> makes the functions
# `kernel::declare_trace!` calls where the kernel's header does not (see there). Kbuild puts
# NOSTDINC_FLAGS before the kernel's own include directories.
NOSTDINC_FLAGS += -I$(rust-kbuild-dir)/include

# The kernel's Makefile sets RUSTC and CARGO itself; only command-line values are the user's.
rust-toolchain := $(shell $(rust-kbuild-dir)/find-rust \
	'$(if $(filter command line,$(origin RUSTC)),$(RUSTC))' \
	'$(if $(filter command line,$(origin CARGO)),$(CARGO))')
ifneq ($(words $(rust-toolchain)),2)
$(error $(rust-toolchain))
endif
rust-rustc := $(word 1,$(rust-toolchain))
include $(rust-kbuild-dir)/rustflags.mk

rust-version := $(shell $(rust-rustc) --version)

# One cargo target directory per kernel configuration and toolchain, shared by every module crate
# (cargo-staticlib): flags and bindings differ between configurations, and a toolchain's outputs
# are not another's.
rust-build-id := $(KERNELRELEASE)-$(shell cat $(objtree)/.config | md5sum | cut -c1-10)-$(shell \
	echo '$(rust-toolchain) $(rust-version)' | md5sum | cut -c1-6)
rust-archive := $(obj)/.$(rust-module).rust.a

# Which Rust builds the module, once per build, as Kbuild names its tools.
quiet_cmd_rustc_version = RUSTC   $(rust-version) ($(rust-rustc))
      cmd_rustc_version = :

quiet_cmd_cargo = CARGO   $@
      cmd_cargo = RUSTC=$(rust-rustc) CARGO=$(word 2,$(rust-toolchain)) \
		RUSTFLAGS='$(RUST_KBUILD_FLAGS)' RUST_TARGET=$(RUST_TARGET) \
		RUST_TARGET_FEATURES='$(RUST_TARGET_FEATURES)' \
		RUST_KUNIT='$(filter-out 0,$(KUNIT))' \
		KDIR=$(abspath $(objtree)) \
		RUST_BUILD_ID=$(rust-build-id) \
		$(rust-kbuild-dir)/cargo-staticlib $(src) $(rust-module) $@

# cargo decides what to rebuild; the archive changes only when the crate's code did. `+` marks
# the recipe recursive, so cargo gets make's jobserver (`make -jN` shares its N jobs with it).
$(rust-archive): FORCE
	$(call cmd,rustc_version)
	+$(call cmd,cargo)

# The crate becomes one object of the module, which Kbuild links with the module's C objects, if
# any (`<module>-y := a.o b.o` in the crate's Kbuild file, before this include), as it links any
# composite module, and checks with objtool as it checks C objects: the archive's members that
# `init_module` and `cleanup_module` need become that object.
rust-object := $(rust-module).rust.o
$(rust-module)-y := $(rust-object) $($(rust-module)-y) $($(rust-module)-objs)
$(rust-module)-objs :=

# objtool runs where Kbuild would run it on a C object (`objtool-enabled`, on a kernel with
# objtool: not arm64), with `--link`: the object is linked from the crate's and the C helpers'
# objects.
rust-objtool = $(if $(and $(objtool-enabled),$(objtool)), ; $(objtool) $(filter-out --link,$(objtool-args)) --link $@)

quiet_cmd_rust_object = LD [M]  $@
      cmd_rust_object = $(LD) $(KBUILD_LDFLAGS) -r -o $@ -u init_module -u cleanup_module $< $(rust-objtool)

$(obj)/$(rust-object): $(rust-archive) FORCE
	$(call if_changed,rust_object)
