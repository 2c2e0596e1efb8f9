package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// tree makes the same small release directory under root, creating its
// files in the order given so that two trees differ in creation order and
// file times but not in content.
func tree(t *testing.T, root string, order []string, when time.Time) string {
	t.Helper()
	dir := filepath.Join(root, "spotray_1.2.0_linux_amd64")
	files := map[string]os.FileMode{"spotray": 0o775, "README.md": 0o664, "docs/LICENSE": 0o600}
	for _, name := range order {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("content of "+name), files[name]); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestArchivesAreReproducible(t *testing.T) {
	mtime := time.Unix(1795386375, 0).UTC()
	a := tree(t, t.TempDir(), []string{"spotray", "README.md", "docs/LICENSE"}, time.Now())
	b := tree(t, t.TempDir(), []string{"docs/LICENSE", "README.md", "spotray"}, time.Now().Add(-time.Hour))
	for _, ext := range []string{".tar.gz", ".zip"} {
		outA, outB := filepath.Join(t.TempDir(), "a"+ext), filepath.Join(t.TempDir(), "b"+ext)
		if err := write(outA, a, mtime); err != nil {
			t.Fatal(err)
		}
		if err := write(outB, b, mtime); err != nil {
			t.Fatal(err)
		}
		da, _ := os.ReadFile(outA)
		db, _ := os.ReadFile(outB)
		if !bytes.Equal(da, db) {
			t.Errorf("%s: two archives of the same content differ", ext)
		}
	}
}

// header is what the test checks of each entry.
type header struct {
	name    string
	mode    os.FileMode
	modTime time.Time
	owner   string
}

func TestArchiveEntries(t *testing.T) {
	mtime := time.Unix(1795386375, 0).UTC()
	dir := tree(t, t.TempDir(), []string{"spotray", "README.md", "docs/LICENSE"}, time.Now())
	want := []header{
		{"spotray_1.2.0_linux_amd64/", 0o755 | os.ModeDir, mtime, "root"},
		{"spotray_1.2.0_linux_amd64/README.md", 0o644, mtime, "root"},
		{"spotray_1.2.0_linux_amd64/docs/", 0o755 | os.ModeDir, mtime, "root"},
		{"spotray_1.2.0_linux_amd64/docs/LICENSE", 0o644, mtime, "root"},
		{"spotray_1.2.0_linux_amd64/spotray", 0o755, mtime, "root"},
	}

	out := filepath.Join(t.TempDir(), "x.tar.gz")
	if err := write(out, dir, mtime); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var got []header
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, header{h.Name, h.FileInfo().Mode(), h.ModTime.UTC(), h.Uname})
		if h.Uid != 0 || h.Gid != 0 || h.Gname != "root" {
			t.Errorf("%s: owner %d:%d (%s), want 0:0 (root)", h.Name, h.Uid, h.Gid, h.Gname)
		}
	}
	checkHeaders(t, "tar.gz", got, want)

	out = filepath.Join(t.TempDir(), "x.zip")
	if err := write(out, dir, mtime); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got = nil
	for _, f := range zr.File {
		got = append(got, header{f.Name, f.Mode(), f.Modified.UTC(), "root"})
	}
	checkHeaders(t, "zip", got, want)
}

func checkHeaders(t *testing.T, kind string, got, want []header) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries %v, want %v", kind, len(got), got, want)
	}
	for i := range want {
		if got[i].name != want[i].name || got[i].mode != want[i].mode || !got[i].modTime.Equal(want[i].modTime) || got[i].owner != want[i].owner {
			t.Errorf("%s entry %d: %+v, want %+v", kind, i, got[i], want[i])
		}
	}
}

func TestArchiveRefusesUnknownFormat(t *testing.T) {
	dir := tree(t, t.TempDir(), []string{"spotray"}, time.Now())
	out := filepath.Join(t.TempDir(), "x.rar")
	if err := write(out, dir, time.Unix(0, 0)); err == nil {
		t.Fatal("no error for a .rar")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", out)
	}
}
