package desktoptest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

// Wayland is a Wayland compositor for tests: weston, shown in an X display
// (Xvfb), because weston's headless backend has no seat and Wayland
// clipboards belong to a seat.
type Wayland struct {
	RuntimeDir string // XDG_RUNTIME_DIR, where the socket is
	Display    string // WAYLAND_DISPLAY
}

// Env is the environment that puts a client on w.
func (w Wayland) Env() []string {
	return []string{"XDG_RUNTIME_DIR=" + w.RuntimeDir, "WAYLAND_DISPLAY=" + w.Display}
}

// StartWeston starts weston in xdisplay with its socket in runtimeDir (a
// private directory, as XDG_RUNTIME_DIR must be) and stops it at cleanup,
// which also ends the wl-copy processes serving its clipboard.
func StartWeston(t testing.TB, xdisplay, runtimeDir string) Wayland {
	t.Helper()
	testenv.Require(t, "weston", "wl-copy", "wl-paste")
	w := Wayland{RuntimeDir: runtimeDir, Display: "wayland-test"}
	// Wayland refuses a runtime directory that others may enter.
	if err := os.Chmod(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command("weston", "--backend=x11-backend.so", "--socket="+w.Display, "--no-config", "--idle-time=0")
	cmd.Env = append(os.Environ(), "DISPLAY="+xdisplay, "XDG_RUNTIME_DIR="+runtimeDir)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start weston: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(testenv.WaitLimit):
			cmd.Process.Kill()
			<-exited
		}
	})
	// The socket appears before weston's seat does: a paste is the
	// readiness test that matters here.
	deadline := time.Now().Add(testenv.WaitLimit)
	for {
		if _, err := os.Stat(filepath.Join(runtimeDir, w.Display)); err == nil && w.paste() == nil {
			return w
		}
		select {
		case <-exited:
			t.Fatalf("weston exited: %s", out.Bytes())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("weston not ready within %v: %s", testenv.WaitLimit, out.Bytes())
		}
	}
}

// paste runs wl-paste once; an empty clipboard is no error.
func (w Wayland) paste() error {
	_, err := w.run()
	return err
}

func (w Wayland) run() ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), testenv.WaitLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wl-paste", "--no-newline")
	cmd.Env = append(os.Environ(), w.Env()...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// An empty clipboard exits 1 but means the seat is there.
	if err != nil && (bytes.Contains(stderr.Bytes(), []byte("No selection")) ||
		bytes.Contains(stderr.Bytes(), []byte("Nothing is copied"))) {
		return nil, nil
	}
	return out, err
}

// Clipboard returns w's clipboard as text, or "" when it is empty (tests
// poll until the text they expect appears).
func (w Wayland) Clipboard(t testing.TB) string {
	t.Helper()
	out, err := w.run()
	if err != nil {
		return ""
	}
	return string(out)
}
