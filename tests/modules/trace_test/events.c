// SPDX-License-Identifier: GPL-2.0
/* The module's tracepoint, and the function that fires it for Rust (kernel::declare_trace!). */

#define CREATE_TRACE_POINTS
#define CREATE_RUST_TRACE_POINTS
#include <trace/events/trace_test.h>
