// glibc's allocator controls (mallopt and its parameters), which Swift's Glibc module does not export.
#include <malloc.h>
