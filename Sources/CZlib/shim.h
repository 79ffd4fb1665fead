#ifndef TERN_CZLIB_SHIM_H
#define TERN_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro in zlib.h; Swift cannot call macros, so expose it as a function.
static inline int tern_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
