//go:build !linux

package testenv

import "testing"

// SmallDisk needs Linux's tmpfs; elsewhere the test is Unavailable.
func SmallDisk(t testing.TB, size int) string {
	t.Helper()
	Unavailable(t, "filling up a small disk needs Linux's tmpfs")
	return ""
}

// Remount needs Linux's tmpfs; elsewhere the test is Unavailable.
func Remount(t testing.TB, dir string, readOnly bool) {
	t.Helper()
	Unavailable(t, "a read-only file system needs Linux's tmpfs")
}

// Fill needs Linux's tmpfs; elsewhere the test is Unavailable.
func Fill(t testing.TB, dir string) { Unavailable(t, "filling up a disk needs Linux's tmpfs") }

// Free needs Linux's tmpfs; elsewhere the test is Unavailable.
func Free(t testing.TB, dir string) { Unavailable(t, "filling up a disk needs Linux's tmpfs") }
