/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's <linux/tracepoint.h>, first in a module crate's include path (rust-module.mk).
 *
 * `kernel::declare_trace!` fires a tracepoint through rust_do_trace_<name>(), which the file
 * defining a module's tracepoints makes with CREATE_RUST_TRACE_POINTS (as upstream's
 * samples/rust/rust_print_events.c does). Kernels whose header has no DEFINE_RUST_DO_TRACE
 * (before 6.13) do not make it: here the header's DECLARE_TRACE*() also define it, as a call of
 * the C trace_<name>(), the kernel's own code for firing the tracepoint. Only in the first read
 * of a trace header of that file, where the C side's trace_<name>() is declared; the later reads
 * (TRACE_HEADER_MULTI_READ) define the tracepoint itself.
 *
 * Outside any include guard, as the kernel's header's DECLARE_TRACE part is: trace/define_trace.h
 * undefines DECLARE_TRACE after each trace header, and the next inclusion defines it again.
 */
#include_next <linux/tracepoint.h>

#if defined(CREATE_TRACE_POINTS) && defined(CREATE_RUST_TRACE_POINTS) && \
	!defined(TRACE_HEADER_MULTI_READ) && !defined(DEFINE_RUST_DO_TRACE)

#define KMOD_RS_RUST_DO_TRACE(name, proto, args)			\
	void rust_do_trace_##name(proto);				\
	notrace void rust_do_trace_##name(proto)			\
	{								\
		trace_##name(args);					\
	}

/* As the kernel's (6.1 to 6.12), with the Rust function after the C ones. */
#undef DECLARE_TRACE_CONDITION
#define DECLARE_TRACE_CONDITION(name, proto, args, cond)		\
	__DECLARE_TRACE(name, PARAMS(proto), PARAMS(args),		\
			cpu_online(raw_smp_processor_id()) && (PARAMS(cond)), \
			PARAMS(void *__data, proto))			\
	KMOD_RS_RUST_DO_TRACE(name, PARAMS(proto), PARAMS(args))

#undef DECLARE_TRACE
#define DECLARE_TRACE(name, proto, args)				\
	DECLARE_TRACE_CONDITION(name, PARAMS(proto), PARAMS(args), 1)

#endif
