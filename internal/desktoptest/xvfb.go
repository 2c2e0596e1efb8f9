package desktoptest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

// StartXvfb starts an Xvfb server on a free display number and returns the
// display (":N") for DISPLAY. At cleanup it ends the xclip processes that
// hold a selection on that display and then the server.
func StartXvfb(t testing.TB) (display string) {
	t.Helper()
	testenv.Require(t, "Xvfb")
	// Start at a random number so that test binaries running in parallel
	// rarely pick the same one; Xvfb itself refuses a taken display, and
	// then the next number is tried.
	n := 100 + rand.IntN(800)
	var errs []string
	for range 10 {
		n++
		if exists(fmt.Sprintf("/tmp/.X%d-lock", n)) || exists(socketPath(n)) {
			continue
		}
		stop, err := startXvfb(n)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		display = ":" + strconv.Itoa(n)
		t.Cleanup(stop)
		t.Cleanup(func() { killClipboardOwners(t, display) })
		return display
	}
	t.Fatalf("no Xvfb display started: %s", strings.Join(errs, "; "))
	return ""
}

func socketPath(n int) string { return fmt.Sprintf("/tmp/.X11-unix/X%d", n) }

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// startXvfb starts Xvfb on display n and waits until it accepts connections
// (its socket exists). It returns a function that ends the server.
func startXvfb(n int) (stop func(), err error) {
	var stderr bytes.Buffer
	cmd := exec.Command("Xvfb", ":"+strconv.Itoa(n), "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.Stderr = &stderr
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start Xvfb :%d: %w", n, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop = func() {
		cmd.Process.Kill()
		<-exited
	}
	deadline := time.After(startTimeout)
	for !exists(socketPath(n)) {
		select {
		case <-exited:
			return nil, fmt.Errorf("start Xvfb :%d: exited (%v): %s", n, waitErr, bytes.TrimSpace(stderr.Bytes()))
		case <-deadline:
			stop()
			return nil, fmt.Errorf("start Xvfb :%d: no socket within %v", n, startTimeout)
		case <-time.After(10 * time.Millisecond):
		}
	}
	return stop, nil
}

// Clipboard returns the CLIPBOARD selection of display as text, or "" when
// nobody holds it (tests poll until the text they expect appears).
func Clipboard(t testing.TB, display string) string {
	t.Helper()
	testenv.Require(t, "xclip")
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xclip", "-o", "-selection", "clipboard")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		// xclip fails when no client owns the selection.
		return ""
	}
	return string(out)
}
