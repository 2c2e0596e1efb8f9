package desktoptest_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/spotray/spotray/internal/desktoptest"
)

func TestWestonClipboard(t *testing.T) {
	w := desktoptest.StartWeston(t, desktoptest.StartXvfb(t), t.TempDir())
	if got := w.Clipboard(t); got != "" {
		t.Fatalf("a new clipboard holds %q", got)
	}
	cmd := exec.Command("wl-copy", "a-token")
	cmd.Env = append(os.Environ(), w.Env()...)
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if got := w.Clipboard(t); got != "a-token" {
		t.Fatalf("clipboard %q", got)
	}
}
