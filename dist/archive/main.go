// Command archive packs a directory into a .tar.gz or .zip that is the same
// byte for byte whenever the directory's contents are: entries sorted by
// name, owned by root (0:0), with one fixed modification time, and
// permissions reduced to 0755 for executables and directories, 0644 for the
// rest. dist/build uses it for the release archives; GNU tar and Info-ZIP
// can be coaxed into most of that, but not the same way on every machine.
//
//	go run ./dist/archive -mtime UNIXSECONDS OUTPUT.tar.gz|OUTPUT.zip DIR
//
// The archive holds DIR itself as its top-level directory.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	mtime := flag.Int64("mtime", 0, "modification time of every entry, in seconds since 1970 (SOURCE_DATE_EPOCH)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: archive -mtime SECONDS OUTPUT.tar.gz|OUTPUT.zip DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	if err := write(flag.Arg(0), flag.Arg(1), time.Unix(*mtime, 0).UTC()); err != nil {
		fmt.Fprintln(os.Stderr, "archive:", err)
		os.Exit(1)
	}
}

// entry is one file or directory to pack, named by its slash-separated path
// inside the archive.
type entry struct {
	name string
	src  string
	dir  bool
	mode fs.FileMode
}

// collect lists dir's tree, sorted so that the archive does not depend on
// the order the file system returns entries in.
func collect(dir string) ([]entry, error) {
	base := filepath.Base(filepath.Clean(dir))
	var entries []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := path.Join(base, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			entries = append(entries, entry{name: name + "/", src: p, dir: true, mode: 0o755})
		case info.Mode().IsRegular():
			mode := fs.FileMode(0o644)
			if info.Mode()&0o111 != 0 {
				mode = 0o755
			}
			entries = append(entries, entry{name: name, src: p, mode: mode})
		default:
			return fmt.Errorf("%s: only files and directories can be archived", p)
		}
		return nil
	})
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return entries, err
}

// write creates output atomically enough for a build: a failed run removes
// the partial file instead of leaving it for SHA256SUMS to pick up.
func write(output, dir string, mtime time.Time) (err error) {
	entries, err := collect(dir)
	if err != nil {
		return err
	}
	f, err := os.Create(output)
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, f.Close())
		if err != nil {
			os.Remove(output)
		}
	}()
	switch {
	case strings.HasSuffix(output, ".tar.gz"):
		return writeTarGz(f, entries, mtime)
	case strings.HasSuffix(output, ".zip"):
		return writeZip(f, entries, mtime)
	}
	return fmt.Errorf("%s: the name must end in .tar.gz or .zip", output)
}

func writeTarGz(w io.Writer, entries []entry, mtime time.Time) error {
	// A zero gzip header: no file name, no time, so the compressed stream
	// depends only on the tar stream.
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{
			Name: e.name, Mode: int64(e.mode), ModTime: mtime,
			Uname: "root", Gname: "root", Format: tar.FormatPAX,
		}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			info, err := os.Stat(e.src)
			if err != nil {
				return err
			}
			h.Size = info.Size()
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !e.dir {
			if err := copyFile(tw, e.src); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Modified: mtime, Method: zip.Deflate}
		mode := e.mode
		if e.dir {
			mode |= fs.ModeDir
			h.Method = zip.Store
		}
		h.SetMode(mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if !e.dir {
			if err := copyFile(fw, e.src); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

func copyFile(w io.Writer, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
