//go:build linux && cgo

// Package mallinfo reads how many bytes the C allocator has handed out, for the tests that
// check that every string libpterodactyl returns is freed.
package mallinfo

/*
#include <malloc.h>
*/
import "C"

// InUse is the number of bytes malloc has handed out and not yet taken back, over every arena
// (glibc's mallinfo2: uordblks + hblkhd).
func InUse() int64 {
	m := C.mallinfo2()
	return int64(m.uordblks) + int64(m.hblkhd)
}
