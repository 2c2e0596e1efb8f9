//go:build unix

package hook

import (
	"os/exec"
	"syscall"
)

// setGroup puts the hook in a process group of its own, so that ending it
// ends what it started too.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup ends the hook's process group.
func killGroup(cmd *exec.Cmd) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
