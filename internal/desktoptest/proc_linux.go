package desktoptest

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// dieWithParent makes a helper process end with the test binary even when
// the binary is killed before its cleanups run.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// killClipboardOwners ends the xclip processes that run on display. xclip
// forks a process that holds the selection until another client takes it,
// which on a test display never happens; it would outlive the test.
func killClipboardOwners(t testing.TB, display string) {
	for _, pid := range clipboardOwners(display) {
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Logf("end xclip %d on %s: %v", pid, display, err)
		}
	}
}

// clipboardOwners returns the PIDs of the live xclip processes whose
// DISPLAY is display.
func clipboardOwners(display string) []int {
	procs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return nil
	}
	var pids []int
	for _, dir := range procs {
		comm, err := os.ReadFile(filepath.Join(dir, "comm"))
		if err != nil || strings.TrimSpace(string(comm)) != "xclip" {
			continue
		}
		// A zombie's environ reads as empty, so exited processes drop out.
		env, err := os.ReadFile(filepath.Join(dir, "environ"))
		if err != nil || !slices.Contains(strings.Split(string(env), "\x00"), "DISPLAY="+display) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(dir)); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
