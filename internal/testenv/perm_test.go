package testenv

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestPromisedPerm(t *testing.T) {
	tests := []struct {
		goos  string
		want  fs.FileMode
		isDir bool
		is    fs.FileMode
	}{
		{"linux", 0o600, false, 0o600},
		{"linux", 0o700, true, 0o700},
		{"darwin", 0o644, false, 0o644},
		{"windows", 0o600, false, 0o666},
		{"windows", 0o400, false, 0o444},
		{"windows", 0o700, true, 0o777},
		{"windows", 0o500, true, 0o555},
	}
	for _, tc := range tests {
		if got := promisedPerm(tc.goos, tc.want, tc.isDir); got != tc.is {
			t.Errorf("promisedPerm(%s, %v, dir=%v) = %v, want %v", tc.goos, tc.want, tc.isDir, got, tc.is)
		}
	}
}

func TestCheckPerm(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckPerm(file, 0o600); err != nil {
		t.Error(err)
	}
	if err := CheckPerm(dir, 0o700); err != nil {
		t.Error(err)
	}
	if err := CheckPerm(file, 0o400); err == nil {
		t.Error("a writable file passed as read-only")
	}
	if runtime.GOOS != "windows" {
		if err := CheckPerm(file, 0o644); err == nil {
			t.Error("a 0600 file passed as 0644")
		}
	}
	if err := CheckPerm(filepath.Join(dir, "missing"), 0o600); err == nil {
		t.Error("a missing file passed")
	}
}
