package login

import "golang.org/x/sys/windows"

// errAddrInUse is what binding a port that another socket holds fails with.
// Winsock has its own error numbers: syscall.EADDRINUSE exists on Windows
// only as an invented value that no call returns.
var errAddrInUse error = windows.WSAEADDRINUSE
