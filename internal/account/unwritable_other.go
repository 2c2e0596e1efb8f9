//go:build !windows

package account

import "syscall"

var (
	readOnlyErrors = []error{syscall.EROFS}
	fullErrors     = []error{syscall.ENOSPC, syscall.EDQUOT}
)
