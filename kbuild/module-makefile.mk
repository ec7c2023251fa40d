# SPDX-License-Identifier: GPL-2.0
# `make` in a module directory: hands over to Kbuild, as for a C module. Include it from the
# directory's Makefile; Kbuild itself reads the Kbuild file.
#
#     make [KDIR=/lib/modules/<release>/build] [RUSTC=... CARGO=...]   build <module>.ko
#     make clean
#     make sign [MOK_KEY=... MOK_CERT=...]   build <module>.ko signed with the key pair (by
#                                            default DKMS's, /var/lib/dkms/mok.key and mok.pub)
#     make dkms [DKMS_OUT=dkms]              a DKMS source tree in DKMS_OUT/<module>-<version>

kmod-rs-kbuild := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
release := $(shell uname -r)
running-kdir := /lib/modules/$(release)/build
KDIR ?= $(running-kdir)

# What is wrong with KDIR, in the words the cargo path (kernel-build) uses; empty when nothing is.
comma := ,
kdir-problem = $(strip $(if $(wildcard $(KDIR)),\
	$(if $(and $(wildcard $(KDIR)/Makefile),$(wildcard $(KDIR)/.config)),,\
		KDIR $(KDIR) is not a configured kernel build tree (it needs .config and Makefile); \
		set KDIR= to one$(comma) e.g. /lib/modules/<release>/build from linux-headers-<release>),\
	$(if $(filter-out $(running-kdir),$(KDIR)),\
		KDIR $(KDIR) does not exist; set KDIR= to a kernel build tree$(comma) \
		e.g. /lib/modules/<release>/build from linux-headers-<release>,\
		no kernel build tree for the running kernel $(release): $(KDIR) does not exist. \
		Install the headers (Debian: `apt install linux-headers-$(release)`) or point KDIR= at \
		a configured kernel tree$(comma) e.g. KDIR=/lib/modules/<release>/build)))

# An `include` of the Kbuild file that names no file (make would say "No rule to make target").
kbuild-includes := $(shell sed -n 's/^include[[:space:]]\{1,\}//p' Kbuild 2>/dev/null)
missing-include = $(firstword $(foreach f,$(kbuild-includes),$(if $(wildcard $(subst $$(src),$(CURDIR),$(f))),,$(f))))
include-problem = $(if $(missing-include),Kbuild: include $(missing-include): no such file; \
	an absolute path is written as it is$(comma) a relative one after $$(src)/)

check = $(if $(kdir-problem),$(error $(kdir-problem)))$(if $(include-problem),$(error $(include-problem)))

# RUSTC= and CARGO= reach Kbuild from the command line (in MAKEFLAGS), as with `make -C $(KDIR)
# M=...`; from the environment neither takes them (the kernel's Makefile sets its own).
# BTF for modules needs pahole; without it, build without BTF like Debian's own DKMS does.
kbuild-args := $(if $(shell command -v pahole),,CONFIG_DEBUG_INFO_BTF_MODULES=)

# `+`: make sees $(MAKE) only when a recipe line names it, not through a variable; without
# it the kernel's make gets no jobserver ("jobserver unavailable: using -j1").
build-modules = $(MAKE) -C $(KDIR) M=$(CURDIR) $(kbuild-args) modules

all:
	$(check)
	+$(build-modules)

clean:
	$(check)
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(DKMS_OUT)

# The module, as the Kbuild file's obj-m names it.
module := $(shell sed -n 's/^obj-m[[:space:]]*:*=[[:space:]]*\([^[:space:]]*\)\.o.*/\1/p' Kbuild 2>/dev/null)

# Signing as DKMS signs for Secure Boot: the kernel's sign-file, with the hash the kernel checks.
MOK_KEY ?= /var/lib/dkms/mok.key
MOK_CERT ?= /var/lib/dkms/mok.pub
sign-config = $(shell sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' $(KDIR)/.config 2>/dev/null)
sign-problem = $(strip $(if $(sign-config),,KDIR $(KDIR): the kernel checks no module signatures \
		(CONFIG_MODULE_SIG is not set)$(comma) there is nothing to sign for)\
	$(if $(wildcard $(KDIR)/scripts/sign-file),,KDIR $(KDIR) has no scripts/sign-file \
		(Debian: it comes with linux-kbuild-<version>$(comma) with the headers))\
	$(foreach f,$(MOK_KEY) $(MOK_CERT),$(if $(wildcard $(f)),,$(f) does not exist; set MOK_KEY= and \
		MOK_CERT= to the private key (PEM) and certificate (DER or PEM) of a key the kernel \
		trusts (DKMS makes /var/lib/dkms/mok.key and mok.pub$(comma) enrolled with \
		`mokutil --import /var/lib/dkms/mok.pub`))))

# A fresh link each time: sign-file appends a signature, it does not replace one.
sign:
	$(check)
	$(if $(sign-problem),$(error $(sign-problem)))
	rm -f $(module).ko
	+$(build-modules)
	$(KDIR)/scripts/sign-file $(sign-config) $(MOK_KEY) $(MOK_CERT) $(module).ko
	@echo "  SIGN    $(module).ko ($(sign-config), $(MOK_CERT))"

DKMS_OUT ?= dkms
dkms:
	$(if $(module),,$(error Kbuild: no obj-m := <module>.o line))
	$(kmod-rs-kbuild)/dkms-tree $(CURDIR) $(module) $(abspath $(DKMS_OUT))

.PHONY: all clean sign dkms
