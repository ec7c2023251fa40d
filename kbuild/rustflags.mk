# SPDX-License-Identifier: GPL-2.0
# The rustc target and code-generation flags for this kernel, chosen from its .config the way the
# kernel's own Makefiles choose them for its Rust code (Makefile, arch/x86/Makefile,
# arch/arm64/Makefile). They apply to core and alloc as much as to the module: several are target
# modifiers that must match everywhere.

# The target, by the kernel's architecture: no FP/SIMD registers on either (the kernel does not
# save them for its own code).
# (Neither: `make clean`, which reads no .config; cargo-staticlib stops a build without one.)
ifdef CONFIG_X86_64
RUST_TARGET := x86_64-unknown-none
else ifdef CONFIG_ARM64
RUST_TARGET := aarch64-unknown-none-softfloat
endif

# Before rustc 1.98 the frame-pointer and uwtable choices reach LLVM as function attributes only,
# not as the module flags of what LLVM itself adds (upstream's Makefiles work around it so).
rust-minor := $(word 2,$(subst ., ,$(shell $(rust-rustc) --version)))
rust-before-1.98-module-flag := $(if $(shell [ "$(rust-minor)" -lt 98 ] 2>/dev/null && echo y),-Zllvm_module_flag=)

# $(call rustc-option-or,FLAG,FALLBACK): FLAG when $(rust-rustc) takes it, else FALLBACK. The
# toolchain floor (rustc 1.85) predates some -Z options that later ones spell differently.
# (rustc checks -Z options and their values while parsing its command line.)
rustc-option-or = $(shell RUSTC_BOOTSTRAP=1 $(rust-rustc) $(1) --target $(RUST_TARGET) --print cfg \
	>/dev/null 2>&1 && echo '$(1)' || echo '$(2)')

# `no_global_oom_handling` builds `alloc` without its infallible allocations (Box::new,
# Vec::push, format!, ...), which panic, a kernel BUG, when memory runs out: as upstream builds
# it. Allocation goes through KBox and KVec, with explicit flags and errors.
ifdef CONFIG_X86_64
rust-kflags := -Crelocation-model=static -Ccode-model=kernel -Cno-redzone=y -Cpanic=abort \
	-Cforce-unwind-tables=n -Csymbol-mangling-version=v0 -Zfunction-sections=n \
	-Zplt=y --cfg no_global_oom_handling
else ifdef CONFIG_ARM64
# arm64: unwind tables only where the kernel has them for C (CONFIG_UNWIND_TABLES, which the
# dynamic shadow call stack patches from), as arch/arm64/Makefile gives them to its Rust.
rust-kflags := -Crelocation-model=static -Cpanic=abort -Csymbol-mangling-version=v0 \
	-Zfunction-sections=n --cfg no_global_oom_handling \
	$(if $(CONFIG_UNWIND_TABLES),-Cforce-unwind-tables=y $(call rustc-option-or,-Zuse-sync-unwind=n,) \
		$(rust-before-1.98-module-flag:%=%uwtable:u32:2:max),-Cforce-unwind-tables=n)
# Pointer authentication of return addresses, and BTI landing pads, where the kernel's C has
# them; `leaf` where its C signs leaf functions too (6.1's pac-ret+leaf).
rust-branch-protection := $(if $(CONFIG_ARM64_BTI_KERNEL),bti)
rust-branch-protection += $(if $(CONFIG_ARM64_PTR_AUTH_KERNEL),pac-ret \
	$(if $(filter -mbranch-protection=pac-ret+leaf%,$(KBUILD_CFLAGS)),leaf))
rust-empty :=
rust-comma := ,
rust-kflags-$(if $(strip $(rust-branch-protection)),y) += -Zbranch-protection=$(subst \
	$(rust-empty) $(rust-empty),$(rust-comma),$(strip $(rust-branch-protection)))
# Shadow call stack: x18 reserved everywhere, and the return addresses pushed to it where the
# compiler does it (not DYNAMIC_SCS, where the kernel patches PAC instructions into SCS ones).
rust-kflags-$(CONFIG_SHADOW_CALL_STACK) += -Zfixed-x18
ifndef CONFIG_DYNAMIC_SCS
rust-kflags-$(CONFIG_SHADOW_CALL_STACK) += -Zsanitizer=shadow-call-stack
endif
endif

# Spectre v2: indirect calls and jumps through the kernel's __x86_indirect_thunk_*. A rustc
# without -Zretpoline-external-thunk (before 1.88) warns of the target features behind it given
# with -Ctarget-feature: they go into a target specification instead (cargo-staticlib), as
# upstream's scripts/generate_rust_target.rs puts them.
ifneq ($(or $(CONFIG_MITIGATION_RETPOLINE),$(CONFIG_RETPOLINE)),)
rust-retpoline := $(call rustc-option-or,-Zretpoline-external-thunk,)
rust-retpoline-features := +retpoline-external-thunk,+retpoline-indirect-branches,+retpoline-indirect-calls
rust-kflags-y += $(rust-retpoline)
RUST_TARGET_FEATURES := $(if $(rust-retpoline),,$(rust-retpoline-features))
endif
# ITS: a cs prefix on thunk calls, so the kernel can patch them; only where C code has it too
# (and rustc can: 1.85 cannot, as upstream's rustc-option leaves it out there too).
rust-kflags-$(if $(filter -mindirect-branch-cs-prefix,$(KBUILD_CFLAGS)),y) += \
	$(call rustc-option-or,-Zindirect-branch-cs-prefix,)
# Retbleed/SRSO: returns through __x86_return_thunk.
rust-kflags-$(or $(CONFIG_MITIGATION_RETHUNK),$(CONFIG_RETHUNK)) += -Zfunction-return=thunk-extern
# IBT: endbr64 at function entries; jump tables would need NOTRACK, which the kernel disables.
rust-kflags-$(CONFIG_X86_KERNEL_IBT) += -Zcf-protection=branch $(call rustc-option-or,-Cjump-tables=n,-Zno-jump-tables)
# Padding before each function, used by call-depth tracking and FineIBT.
rust-kflags-$(CONFIG_CALL_PADDING) += \
	-Zpatchable-function-entry=$(CONFIG_FUNCTION_PADDING_BYTES),$(CONFIG_FUNCTION_PADDING_BYTES)
# Function alignment: LLVM's own option (log2 of the bytes) before rustc had one.
rust-kflags-$(if $(filter-out 0,$(CONFIG_FUNCTION_ALIGNMENT)),y) += \
	$(call rustc-option-or,-Zmin-function-alignment=$(CONFIG_FUNCTION_ALIGNMENT),\
	-Cllvm-args=-align-all-functions=$(rust-log2-$(CONFIG_FUNCTION_ALIGNMENT)))
rust-log2-4 := 2
rust-log2-8 := 3
rust-log2-16 := 4
rust-log2-32 := 5
rust-log2-64 := 6

# Frame pointers where the kernel's C keeps them (arm64 always; x86 with the frame-pointer
# unwinder), as the kernel's Makefile gives them to its Rust.
rust-kflags-$(CONFIG_FRAME_POINTER) += -Cforce-frame-pointers=y \
	$(rust-before-1.98-module-flag:%=%frame-pointer:u32:2:max)

# KASAN (generic): Rust memory accesses are checked too, against the kernel's shadow mapping,
# with the settings the kernel uses for C (scripts/Makefile.kasan).
ifdef CONFIG_KASAN_GENERIC
rust-kflags-y += -Zsanitizer=kernel-address -Zsanitizer-recover=kernel-address \
	-Cllvm-args=-asan-mapping-offset=$(CONFIG_KASAN_SHADOW_OFFSET) \
	-Cllvm-args=-asan-instrumentation-with-call-threshold=$(if $(CONFIG_KASAN_OUTLINE),0,10000) \
	-Cllvm-args=-asan-stack=$(if $(CONFIG_KASAN_STACK),1,0) -Cllvm-args=-asan-globals=1
endif

RUST_KBUILD_FLAGS := $(rust-kflags) $(rust-kflags-y)
