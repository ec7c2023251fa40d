# SPDX-License-Identifier: GPL-2.0
# `make` in a module directory: hands over to Kbuild, as for a C module. Include it from the
# directory's Makefile; Kbuild itself reads the Kbuild file.
#
#     make [KDIR=/lib/modules/<release>/build] [RUSTC=... CARGO=...]   build <module>.ko
#     make clean

KDIR ?= /lib/modules/$(shell uname -r)/build

# What is wrong with KDIR, in the words the cargo path (kernel-build) uses; empty when nothing is.
comma := ,
release := $(shell uname -r)
kdir-problem = $(strip $(if $(wildcard $(KDIR)),\
	$(if $(and $(wildcard $(KDIR)/Makefile),$(wildcard $(KDIR)/.config)),,\
		KDIR $(KDIR) is not a configured kernel build tree (it needs .config and Makefile); \
		set KDIR= to one$(comma) e.g. /lib/modules/<release>/build from linux-headers-<release>),\
	$(if $(filter command line environment,$(origin KDIR)),\
		KDIR $(KDIR) does not exist; set KDIR= to a kernel build tree$(comma) \
		e.g. /lib/modules/<release>/build from linux-headers-<release>,\
		no kernel build tree for the running kernel $(release): $(KDIR) does not exist. \
		Install the headers (Debian: `apt install linux-headers-$(release)`) or point KDIR= at \
		a configured kernel tree$(comma) e.g. KDIR=/lib/modules/<release>/build)))
check-kdir = $(if $(kdir-problem),$(error $(kdir-problem)))

# The kernel's Makefile would override RUSTC/CARGO from the environment; pass them explicitly.
kbuild-args := $(if $(RUSTC),RUSTC=$(RUSTC)) $(if $(CARGO),CARGO=$(CARGO))
# BTF for modules needs pahole; without it, build without BTF like Debian's own DKMS does.
kbuild-args += $(if $(shell command -v pahole),,CONFIG_DEBUG_INFO_BTF_MODULES=)

all:
	$(check-kdir)
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(kbuild-args) modules

clean:
	$(check-kdir)
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

.PHONY: all clean
