package hook

import (
	"os/exec"
	"strconv"
)

// setGroup has nothing to set on Windows: killGroup finds the children by
// their parent.
func setGroup(*exec.Cmd) {}

// killGroup ends the hook and its children with taskkill /T, Windows' tree
// kill, then the hook itself in case taskkill is not there.
func killGroup(cmd *exec.Cmd) {
	exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid)).Run()
	cmd.Process.Kill()
}
