// Package testenv lets tests that need system tools or the real spotray binary
// say so once. On a developer's machine a missing tool skips the test with the
// reason; under CI (CI=true) it fails, because a green run that skipped the
// end-to-end suite would prove nothing.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// InCI reports whether the tests run under continuous integration, where
// skipping for a missing tool is a failure.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// Require skips the test (fails it under CI) unless every tool is available.
// A tool is a command name looked up in PATH or an absolute path.
func Require(t testing.TB, tools ...string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		Unavailable(t, "the desktop end-to-end tests run on Linux only")
	}
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		Unavailable(t, "needs "+strings.Join(missing, ", ")+
			" (.ci/run installs the Debian packages the tests need)")
	}
}

// Unavailable skips the test with reason, or fails it under CI.
func Unavailable(t testing.TB, reason string) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true and this test cannot run: %s", reason)
	}
	t.Skip(reason)
}

var build struct {
	once sync.Once
	dir  string
	path string
	out  []byte
	err  error
}

// Main runs the tests of a package that uses BuildSpotray and then deletes
// the binary, which would otherwise pile up in the temporary directory (15
// MB a run). Use it as the package's TestMain: func TestMain(m *testing.M) {
// testenv.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// BuildSpotray builds ./cmd/spotray once per test binary and returns the path
// of the executable, so that tests exercise exactly what users run.
func BuildSpotray(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "spotray-bin-")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "spotray")
		if runtime.GOOS == "windows" {
			build.path += ".exe"
		}
		args := []string{"build", "-o", build.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "github.com/spotray/spotray/cmd/spotray")...)
		build.out, build.err = cmd.CombinedOutput()
	})
	if build.err != nil {
		t.Fatalf("build spotray: %v\n%s", build.err, build.out)
	}
	return build.path
}
