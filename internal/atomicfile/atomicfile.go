// Package atomicfile replaces files so that a crash at any instant leaves
// either the old content or the new one on disk, never a mixture.
package atomicfile

import (
	"errors"
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
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	r, err := Reserve(path, int64(len(data)), perm)
	if err != nil {
		return err
	}
	return r.Commit(data)
}

// Reservation is a temporary file beside its destination whose space is
// already allocated on disk, so that content that fits can be committed
// even once the file system has filled up: for content that cannot be
// produced again (a rotated refresh token), reserve before producing it.
// Commit or Cancel it exactly once.
type Reservation struct {
	path string
	size int64
	f    *os.File
}

// Reserve creates path's temporary file with mode perm and fills it with
// size zero bytes flushed to stable storage, which makes the file system
// allocate their blocks now. It fails, leaving nothing behind, when the
// space is not there.
func Reserve(path string, size int64, perm fs.FileMode) (_ *Reservation, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	sweep(dir, base)
	f, err := createTemp(dir, base, perm)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	r := &Reservation{path: path, size: size, f: f}
	defer func() {
		if err != nil {
			r.Cancel()
		}
	}()
	// Written rather than fallocate'd or truncated up: a sparse file would
	// reserve nothing, and writing works the same on every system.
	if _, err = f.Write(make([]byte, size)); err != nil {
		return nil, fmt.Errorf("write %s: reserve %d bytes: %w", path, size, err)
	}
	if err = f.Sync(); err != nil {
		return nil, fmt.Errorf("write %s: reserve %d bytes: %w", path, size, err)
	}
	return r, nil
}

// Commit writes data over the reserved space, cuts the file to its length,
// flushes it and renames it over the destination. Data longer than the
// reservation is written too, but the excess may meet a full disk. A
// failed Commit leaves the destination as it was.
func (r *Reservation) Commit(data []byte) (err error) {
	if r.f == nil {
		return fmt.Errorf("write %s: %w", r.path, errCommitted)
	}
	tmp := r.f.Name()
	defer func() {
		if err != nil {
			r.Cancel()
		}
	}()
	if _, err = r.f.WriteAt(data, 0); err != nil {
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	if int64(len(data)) < r.size {
		if err = r.f.Truncate(int64(len(data))); err != nil {
			return fmt.Errorf("write %s: %w", r.path, err)
		}
	}
	if err = r.f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	f := r.f
	r.f = nil
	if err = f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	if err = rename(tmp, r.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	syncDir(filepath.Dir(r.path))
	return nil
}

// Cancel gives the reserved space back; after Commit it does nothing.
func (r *Reservation) Cancel() {
	if r.f == nil {
		return
	}
	r.f.Close()
	os.Remove(r.f.Name())
	r.f = nil
}

var errCommitted = errors.New("reservation already committed or canceled")

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
