# SPDX-License-Identifier: GPL-2.0
# The rustc code-generation flags for this kernel, chosen from its .config the way the kernel's
# own Makefiles choose them for its Rust code (Makefile, arch/x86/Makefile). They apply to core
# and alloc as much as to the module: several are target modifiers that must match everywhere.

rust-kflags := -Crelocation-model=static -Ccode-model=kernel -Cno-redzone=y -Cpanic=abort \
	-Cforce-unwind-tables=n -Csymbol-mangling-version=v0 -Zfunction-sections=n \
	-Zplt=y

# Spectre v2: indirect calls and jumps through the kernel's __x86_indirect_thunk_*.
rust-kflags-$(or $(CONFIG_MITIGATION_RETPOLINE),$(CONFIG_RETPOLINE)) += -Zretpoline-external-thunk
# ITS: a cs prefix on thunk calls, so the kernel can patch them; only where C code has it too.
rust-kflags-$(if $(filter -mindirect-branch-cs-prefix,$(KBUILD_CFLAGS)),y) += -Zindirect-branch-cs-prefix
# Retbleed/SRSO: returns through __x86_return_thunk.
rust-kflags-$(or $(CONFIG_MITIGATION_RETHUNK),$(CONFIG_RETHUNK)) += -Zfunction-return=thunk-extern
# IBT: endbr64 at function entries; jump tables would need NOTRACK, which the kernel disables.
rust-kflags-$(CONFIG_X86_KERNEL_IBT) += -Zcf-protection=branch -Cjump-tables=n
# Padding before each function, used by call-depth tracking and FineIBT.
rust-kflags-$(CONFIG_CALL_PADDING) += \
	-Zpatchable-function-entry=$(CONFIG_FUNCTION_PADDING_BYTES),$(CONFIG_FUNCTION_PADDING_BYTES)
rust-kflags-$(if $(filter-out 0,$(CONFIG_FUNCTION_ALIGNMENT)),y) += \
	-Zmin-function-alignment=$(CONFIG_FUNCTION_ALIGNMENT)

# KASAN (generic): Rust memory accesses are checked too, against the kernel's shadow mapping,
# with the settings the kernel uses for C (scripts/Makefile.kasan).
ifdef CONFIG_KASAN_GENERIC
rust-kflags-y += -Zsanitizer=kernel-address -Zsanitizer-recover=kernel-address \
	-Cllvm-args=-asan-mapping-offset=$(CONFIG_KASAN_SHADOW_OFFSET) \
	-Cllvm-args=-asan-instrumentation-with-call-threshold=$(if $(CONFIG_KASAN_OUTLINE),0,10000) \
	-Cllvm-args=-asan-stack=$(if $(CONFIG_KASAN_STACK),1,0) -Cllvm-args=-asan-globals=1
endif

RUST_KBUILD_FLAGS := $(rust-kflags) $(rust-kflags-y)
