package login

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"

	"github.com/cli/browser"
)

func init() {
	// A browser started by the launcher inherits these: it must neither mix
	// its chatter into spotray's output nor hold spotray's pipes open for as
	// long as it runs. nil means the null device.
	browser.Stdout, browser.Stderr = nil, nil
}

// OpenBrowser shows url in the user's browser without waiting for it. A
// $BROWSER setting wins (a command and its arguments, split on white space,
// with url appended); otherwise the desktop's default browser is used.
// Opening can fail silently (no desktop, headless session), so callers
// always print the URL as well.
func OpenBrowser(url string) error {
	if args := strings.Fields(os.Getenv("BROWSER")); len(args) > 0 {
		cmd := exec.Command(args[0], append(args[1:], url)...)
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("open browser with $BROWSER: %w", err)
		}
		go cmd.Wait() // reap it; a browser may run for as long as the user likes
		return nil
	}
	// OpenURL waits for the launcher, which for some desktops is the
	// browser itself.
	go func() {
		if err := browser.OpenURL(url); err != nil {
			slog.Debug("login: open browser", "err", err)
		}
	}()
	return nil
}
