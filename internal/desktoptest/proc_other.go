//go:build !linux

package desktoptest

import (
	"syscall"
	"testing"
)

// dieWithParent has no portable equivalent outside Linux; the helpers only
// run on Linux anyway (testenv.Require skips elsewhere).
func dieWithParent() *syscall.SysProcAttr { return nil }

// killClipboardOwners has nothing to do: xclip is an X11 tool.
func killClipboardOwners(t testing.TB, display string) {}
