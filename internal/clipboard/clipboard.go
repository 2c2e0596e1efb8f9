// Package clipboard puts text on the system clipboard (github.com/atotto/
// clipboard: wl-copy, xclip or xsel on Linux, the Win32 clipboard on
// Windows, pbcopy on macOS), and says what to install when nothing can.
package clipboard

import (
	"errors"
	"fmt"
	"time"

	"github.com/atotto/clipboard"
)

// retryPause separates the two attempts of Write.
const retryPause = 200 * time.Millisecond

// Write puts text on the clipboard. On Linux that runs a clipboard tool, a
// separate process talking to the display server, and one attempt fails
// now and then when the server is busy or a clipboard manager takes the
// selection at that moment: a second attempt after a pause succeeds where
// the user would otherwise click again.
func Write(text string) error {
	if clipboard.Unsupported {
		return errors.New("no clipboard tool found: install xclip or xsel (X11) or wl-clipboard (Wayland)")
	}
	err := clipboard.WriteAll(text)
	if err != nil {
		time.Sleep(retryPause)
		err = clipboard.WriteAll(text)
	}
	if err != nil {
		return fmt.Errorf("the clipboard tool failed twice: %w", err)
	}
	return nil
}
