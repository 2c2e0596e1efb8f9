package logging

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spotray/spotray/internal/testenv"
)

func TestRotationBound(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	var stderr bytes.Buffer
	log, closer, err := Setup(dir, &stderr, false)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 200)
	// 5 MiB, several rotations.
	for i := range 5 * MaxFileSize / 250 {
		log.Info("played", "n", i, "pad", line)
	}
	log.Info("last record")
	log.Info("oversized", "pad", strings.Repeat("y", 3*MaxFileSize))
	log.Info("after oversized")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > MaxFileSize {
			t.Errorf("%s has %d bytes, more than %d", e.Name(), info.Size(), MaxFileSize)
		}
		if err := testenv.CheckPerm(filepath.Join(dir, e.Name()), 0o600); err != nil {
			t.Error(err)
		}
	}
	if strings.Join(names, " ") != "spotray.log spotray.log.1" {
		t.Errorf("files %q, want spotray.log and spotray.log.1", names)
	}
	current, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(current), "level=INFO msg=\"after oversized\"\n") {
		t.Errorf("the newest record is not at the end of %s: ...%s", FileName, current[max(0, len(current)-200):])
	}
	if !strings.Contains(stderr.String(), "msg=\"last record\"") {
		t.Error("stderr lacks the records")
	}
}

func TestLevelsAndRedaction(t *testing.T) {
	for _, debug := range []bool{false, true} {
		var stderr bytes.Buffer
		log, closer, err := Setup(t.TempDir(), &stderr, debug)
		if err != nil {
			t.Fatal(err)
		}
		log.Debug("detail")
		log.Info("poll", "access_token", "BQ-secret-access", "refresh_token", "AQ-secret-refresh", "status", 200)
		closer.Close()
		out := stderr.String()
		if strings.Contains(out, "msg=detail") != debug {
			t.Errorf("debug=%v: debug record shown: %v", debug, !debug)
		}
		if strings.Contains(out, "secret") || !strings.Contains(out, "access_token=[redacted]") || !strings.Contains(out, "status=200") {
			t.Errorf("debug=%v: %s", debug, out)
		}
	}
}

func TestExistingFileMadePrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log, closer, err := Setup(dir, new(bytes.Buffer), false)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("new")
	closer.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "old\n") || !strings.Contains(string(data), "msg=new") {
		t.Errorf("content %q", data)
	}
	if err := testenv.CheckPerm(path, 0o600); err != nil {
		t.Error(err)
	}
}

func TestClosedStderrDoesNotLoseTheFile(t *testing.T) {
	dir := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	w.Close()
	log, closer, err := Setup(dir, w, false)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("still here")
	closer.Close()
	data, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !strings.Contains(string(data), "still here") {
		t.Errorf("file %q", data)
	}
}

// Two processes (the tray and a command) log to the same directory; the
// bound must hold for their files together.
func TestTwoWritersShareTheBound(t *testing.T) {
	dir := t.TempDir()
	line := strings.Repeat("z", 500)
	var wg sync.WaitGroup
	for w := range 2 {
		log, closer, err := Setup(dir, new(bytes.Buffer), false)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			defer closer.Close()
			for i := range 3 * MaxFileSize / 550 {
				log.Info("w", "id", fmt.Sprint(w, "-", i), "pad", line)
			}
		})
	}
	wg.Wait()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	// Windows refuses to rename a file that the other writer holds open,
	// and the rotating writer then truncates instead: spotray.log.1 appears
	// only if a rotation met the other writer between two opens.
	want := []string{"spotray.log spotray.log.1"}
	if runtime.GOOS == "windows" {
		want = append(want, "spotray.log")
	}
	if !slices.Contains(want, strings.Join(names, " ")) {
		t.Errorf("files %q, want one of %q", names, want)
	}
	for _, e := range entries {
		info, _ := e.Info()
		// Each writer checks the size before its write; two writes racing
		// past the same check can add one record each.
		if info.Size() > MaxFileSize+2*600 {
			t.Errorf("%s has %d bytes", e.Name(), info.Size())
		}
	}
}
