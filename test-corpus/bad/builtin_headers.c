/* Needs clang's builtin headers (stddef.h, stdarg.h, stdbool.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
size_t f(bool b, va_list ap) { (void)ap; return b ? sizeof(max_align_t) : 0; }
