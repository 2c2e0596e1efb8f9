package atomicfile

import (
	"os"
	"path/filepath"
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
