#pragma once
// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html).
// Under Clang with -Wthread-safety the compiler checks that state marked GUARDED_BY(mu) is only
// touched with `mu` held and that a function marked REQUIRES(mu) is only called with it held
// (scripts/clang_check.sh runs that check). Other compilers see nothing: every macro expands to
// nothing outside Clang. Our own few lines rather than abseil's or leveldb's, so the core needs no
// extra dependency.

#if defined(__clang__)
#define ROUTER_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define ROUTER_THREAD_ANNOTATION_(x)
#endif

// On a class: its objects are capabilities (locks) named `x` in diagnostics, e.g. "mutex".
#define CAPABILITY(x) ROUTER_THREAD_ANNOTATION_(capability(x))
// On a class: an RAII object that holds a capability from construction to destruction.
#define SCOPED_CAPABILITY ROUTER_THREAD_ANNOTATION_(scoped_lockable)

// On a data member: read or written only with capability `x` held.
#define GUARDED_BY(x) ROUTER_THREAD_ANNOTATION_(guarded_by(x))
// On a pointer member (raw or smart): what it points to is used only with `x` held.
#define PT_GUARDED_BY(x) ROUTER_THREAD_ANNOTATION_(pt_guarded_by(x))

// On a function: the caller must hold these capabilities.
#define REQUIRES(...) ROUTER_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
// On a function: the caller must not hold these capabilities (the function takes them itself).
#define EXCLUDES(...) ROUTER_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
// On a function: it takes / releases these capabilities (with no argument: `this`).
#define ACQUIRE(...) ROUTER_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define RELEASE(...) ROUTER_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))

// On a function: skip the analysis inside it. Each use says why the analysis cannot follow.
#define NO_THREAD_SAFETY_ANALYSIS ROUTER_THREAD_ANNOTATION_(no_thread_safety_analysis)
