# SPDX-License-Identifier: GPL-2.0
# `make` in a module directory: hands over to Kbuild, as for a C module. Include it from the
# directory's Makefile; Kbuild itself reads the Kbuild file.
#
#     make [KDIR=/lib/modules/<release>/build] [RUSTC=... CARGO=...]   build <module>.ko
#     make clean

KDIR ?= /lib/modules/$(shell uname -r)/build

# The kernel's Makefile would override RUSTC/CARGO from the environment; pass them explicitly.
kbuild-args := $(if $(RUSTC),RUSTC=$(RUSTC)) $(if $(CARGO),CARGO=$(CARGO))
# BTF for modules needs pahole; without it, build without BTF like Debian's own DKMS does.
kbuild-args += $(if $(shell command -v pahole),,CONFIG_DEBUG_INFO_BTF_MODULES=)

all:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(kbuild-args) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

.PHONY: all clean
