//go:build !linux

package desktoptest

import "syscall"

// dieWithParent has no portable equivalent outside Linux; the helpers only
// run on Linux anyway (testenv.Require skips elsewhere).
func dieWithParent() *syscall.SysProcAttr { return nil }
