// Package atomicfile replaces files so that a crash at any instant leaves
// either the old content or the new one on disk, never a mixture.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// WriteFile writes data to a temporary file in path's directory with mode
// perm, flushes it to stable storage, and renames it over path. The
// directory is synced too on systems that support it, so that the rename
// itself survives a power cut.
//
// On Windows a private perm (no bits for group or others, as 0600) gives the
// file a protected ACL for the current user (and SYSTEM) from its creation
// on; see createTemp there.
func WriteFile(path string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	sweep(dir, base)
	f, err := createTemp(dir, base, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// staleAfter is how old a temporary file must be before another writer
// removes it. A writer finishes in milliseconds, so an older one was left by
// a crash; removing younger ones could pull a file from under a live writer.
const staleAfter = time.Minute

func tempPrefix(base string) string { return "." + base + ".tmp-" }

// createTempMode creates the temporary file for base in dir with the
// permission bits perm, the way every system understands them.
func createTempMode(dir, base string, perm fs.FileMode) (*os.File, error) {
	f, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return nil, err
	}
	// CreateTemp makes the file 0600 already; Chmod covers other requested
	// modes and makes the intent explicit for secrets. (On Windows it sets
	// only the read-only attribute.)
	if err := f.Chmod(perm); err != nil && runtime.GOOS != "windows" {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// sweep removes temporary files that crashed writers left behind. They may
// hold secrets (token.json's do), so they must not pile up.
func sweep(dir, base string) {
	matches, _ := filepath.Glob(filepath.Join(dir, tempPrefix(base)+"*"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > staleAfter {
			os.Remove(m)
		}
	}
}

// syncDir makes a rename durable. Failure is ignored: some file systems
// (and Windows) cannot sync a directory, and the data itself is already safe.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
