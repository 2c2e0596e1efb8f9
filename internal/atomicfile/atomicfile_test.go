package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

func TestWriteFileReplacesWithMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.json")
	for _, content := range []string{"first", "second, longer than the first"} {
		if err := WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("got %q, %v; want %q", got, err, content)
		}
	}
	if err := testenv.CheckPerm(path, 0o600); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteFileSweepsOnlyStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	stale := filepath.Join(dir, tempPrefix("token.json")+"123")
	live := filepath.Join(dir, tempPrefix("token.json")+"456")
	other := filepath.Join(dir, tempPrefix("config.toml")+"789")
	for _, p := range []string{stale, live, other} {
		if err := os.WriteFile(p, []byte("secret"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleAfter)
	for _, p := range []string{stale, other} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{stale: false, live: true, other: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s exists=%v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}

func TestWriteFileMissingDirectory(t *testing.T) {
	if err := WriteFile(filepath.Join(t.TempDir(), "no", "such", "file"), nil, 0o600); err == nil {
		t.Fatal("want an error for a missing directory")
	}
}

func TestReserveThenCommitOnAFullDisk(t *testing.T) {
	dir := testenv.SmallDisk(t, 64<<10)
	path := filepath.Join(dir, "token.json")
	if err := WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Reserve(path, 4096, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	testenv.Fill(t, dir)
	if _, err := Reserve(path, 4096, 0o600); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("a second reservation on the full disk: %v, want ENOSPC", err)
	}
	want := []byte(strings.Repeat("new content ", 300)) // 3600 bytes, within the reservation
	if err := r.Commit(want); err != nil {
		t.Fatalf("commit into reserved space on a full disk: %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
		t.Fatalf("file holds %q", got)
	}
	if err := r.Commit(want); err == nil {
		t.Fatal("a second Commit succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("want token.json and the filler, got %v", entries)
	}
}

func TestReserveFailsCleanlyWithoutSpace(t *testing.T) {
	dir := testenv.SmallDisk(t, 64<<10)
	path := filepath.Join(dir, "token.json")
	if err := WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.Fill(t, dir)
	if _, err := Reserve(path, 4096, 0o600); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Reserve on a full disk: %v, want ENOSPC", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("file holds %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("temporary file left behind: %v", entries)
	}
}

func TestCancelRemovesTheReservation(t *testing.T) {
	dir := t.TempDir()
	r, err := Reserve(filepath.Join(dir, "token.json"), 100, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	r.Cancel()
	r.Cancel()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// BenchmarkCommit measures what stays at risk when the disk fails between
// receiving content and saving it: the time from having the bytes of a
// token file (about 700 bytes) to their rename over the old file, flushes
// included, into space reserved beforehand.
func BenchmarkCommit(b *testing.B) {
	path := filepath.Join(b.TempDir(), "token.json")
	data := bytes.Repeat([]byte("x"), 700)
	for b.Loop() {
		b.StopTimer()
		r, err := Reserve(path, int64(len(data))+4096, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := r.Commit(data); err != nil {
			b.Fatal(err)
		}
	}
}
