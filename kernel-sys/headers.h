/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel headers that kernel-sys binds, and typed constants for macros bindgen cannot
 * evaluate (they contain casts). Each `RUST_CONST_HELPER_X` reaches Rust as the constant `X`.
 */

#include <generated/utsrelease.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/version.h>

const gfp_t RUST_CONST_HELPER_GFP_ATOMIC = GFP_ATOMIC;
const gfp_t RUST_CONST_HELPER_GFP_KERNEL = GFP_KERNEL;
const gfp_t RUST_CONST_HELPER_GFP_KERNEL_ACCOUNT = GFP_KERNEL_ACCOUNT;
const gfp_t RUST_CONST_HELPER_GFP_NOWAIT = GFP_NOWAIT;
const gfp_t RUST_CONST_HELPER___GFP_ZERO = __GFP_ZERO;
const gfp_t RUST_CONST_HELPER___GFP_NOWARN = __GFP_NOWARN;
const gfp_t RUST_CONST_HELPER___GFP_HIGHMEM = __GFP_HIGHMEM;
const size_t RUST_CONST_HELPER_ARCH_KMALLOC_MINALIGN = ARCH_KMALLOC_MINALIGN;
const size_t RUST_CONST_HELPER_PAGE_SIZE = PAGE_SIZE;
const size_t RUST_CONST_HELPER_KMALLOC_MAX_SIZE = KMALLOC_MAX_SIZE;
