// SPDX-License-Identifier: GPL-2.0
/*
 * Bodies of the C helpers declared in wrapper.h. Each one only forwards to the macro or inline it
 * is named after, so that Rust calls exactly what C code of this kernel would.
 */
#include "wrapper.h"

void rust_helper_BUG(void)
{
	BUG();
}

void *rust_helper_kmalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags);
}

/* A function on 6.1, a macro around krealloc_noprof() since 6.10: the helper serves both. */
void *rust_helper_krealloc(const void *objp, size_t new_size, gfp_t flags)
{
	return krealloc(objp, new_size, flags);
}
