/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C helpers: one function per kernel macro or static inline that Rust needs, named after it
 * with a `rust_helper_` prefix (Rust sees `kernel::bindings::<name>`). Defined in helpers.c,
 * compiled with the kernel's own compiler and Kbuild flags; bindgen reads this file for their
 * Rust declarations.
 */
#ifndef RUST_HELPERS_WRAPPER_H
#define RUST_HELPERS_WRAPPER_H

#include <linux/bug.h>
#include <linux/slab.h>

/* Not __noreturn: the Rust caller follows it with its own `ud2`, which objtool needs to see. */
void rust_helper_BUG(void);

void *rust_helper_kmalloc(size_t size, gfp_t flags);
void *rust_helper_krealloc(const void *objp, size_t new_size, gfp_t flags);

#endif /* RUST_HELPERS_WRAPPER_H */
