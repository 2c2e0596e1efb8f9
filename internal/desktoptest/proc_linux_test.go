package desktoptest

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/testenv"
)

func TestXvfbCleanupEndsClipboardOwners(t *testing.T) {
	var display string
	t.Run("copy", func(t *testing.T) {
		display = StartXvfb(t)
		testenv.Require(t, "xclip")
		if got := Clipboard(t, display); got != "" {
			t.Errorf("fresh display has clipboard %q", got)
		}
		// Copy as atotto/clipboard does: xclip -in forks a process that
		// keeps the selection. No output pipes: the forked child would
		// keep them open and Run would wait for it.
		cmd := exec.Command("xclip", "-in", "-selection", "clipboard")
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		cmd.Stdin = strings.NewReader("Song & <Artist> _x_")
		if err := cmd.Run(); err != nil {
			t.Fatalf("xclip -in: %v", err)
		}
		if got := Clipboard(t, display); got != "Song & <Artist> _x_" {
			t.Errorf("Clipboard() = %q", got)
		}
		if len(clipboardOwners(display)) != 1 {
			t.Errorf("xclip owners on %s: %v, want one", display, clipboardOwners(display))
		}
	})
	if display == "" {
		return
	}
	testenv.WaitFor(t, "xclip to end after cleanup", func() bool { return len(clipboardOwners(display)) == 0 })
}
