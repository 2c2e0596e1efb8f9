package desktoptest

import "testing"

// StartXvfb starts an Xvfb server on a free display number and returns the
// display (":N") for DISPLAY. At cleanup it ends the xclip processes that
// hold a selection on that display and then the server.
func StartXvfb(t testing.TB) (display string) {
	t.Helper()
	panic("TODO")
}

// Clipboard returns the CLIPBOARD selection of display as text, or "" when
// nobody holds it (tests poll until the text they expect appears).
func Clipboard(t testing.TB, display string) string {
	t.Helper()
	panic("TODO")
}
