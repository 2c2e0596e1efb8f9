package testenv

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
)

// CheckPerm reports (as an error) when path's permission bits are not what
// this system promises for a file or directory given the mode want.
//
// Unix keeps the bits as given. Windows has no such bits: Go maps only the
// owner's write bit to the read-only attribute and reports 0666 or 0444 for
// a file, 0777 or 0555 for a directory. Who may read a file there is its
// ACL, which the tests of the packages that set one check on their own.
func CheckPerm(path string, want fs.FileMode) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("check mode: %w", err)
	}
	promised := promisedPerm(runtime.GOOS, want, fi.IsDir())
	if got := fi.Mode().Perm(); got != promised {
		return fmt.Errorf("%s: mode %v, want %v (%v on %s)", path, got, want, promised, runtime.GOOS)
	}
	return nil
}

// promisedPerm is the mode goos reports for a file or directory made with
// want.
func promisedPerm(goos string, want fs.FileMode, isDir bool) fs.FileMode {
	if goos != "windows" {
		return want.Perm()
	}
	m := fs.FileMode(0o444)
	if want&0o200 != 0 {
		m |= 0o222
	}
	if isDir {
		m |= 0o111
	}
	return m
}
