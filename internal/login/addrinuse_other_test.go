//go:build !windows

package login

import "syscall"

// errAddrInUse is what binding a port that another socket holds fails with.
var errAddrInUse error = syscall.EADDRINUSE
