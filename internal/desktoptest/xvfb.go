package desktoptest

import (
	"bufio"
	"bytes"
	"context"
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
//
// Xvfb picks the number itself (-displayfd), under its own lock files, and
// reports it once it accepts connections. Picking a number here instead
// races with test binaries running in parallel: two servers aimed at one
// display, one of which dies while its test goes on using the other's.
// (-displayfd is unsafe only together with -nolisten local, not used here.)
func StartXvfb(t testing.TB) (display string) {
	t.Helper()
	testenv.Require(t, "Xvfb")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var stderr bytes.Buffer
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w} // fd 3 in Xvfb
	cmd.Stderr = &stderr
	cmd.SysProcAttr = dieWithParent()
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	stop := func() {
		cmd.Process.Kill()
		<-exited
	}
	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if _, err := strconv.Atoi(n); err != nil {
			stop()
			t.Fatalf("start Xvfb: no display number (%q): %s", n, bytes.TrimSpace(stderr.Bytes()))
		}
		display = ":" + n
	case <-time.After(testenv.WaitLimit):
		stop()
		t.Fatalf("start Xvfb: no display within %v: %s", testenv.WaitLimit, bytes.TrimSpace(stderr.Bytes()))
	}
	t.Cleanup(stop)
	t.Cleanup(func() { killClipboardOwners(t, display) })
	return display
}

// Clipboard returns the CLIPBOARD selection of display as text, or "" when
// nobody holds it (tests poll until the text they expect appears).
func Clipboard(t testing.TB, display string) string {
	t.Helper()
	testenv.Require(t, "xclip")
	ctx, cancel := context.WithTimeout(context.Background(), testenv.WaitLimit)
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
