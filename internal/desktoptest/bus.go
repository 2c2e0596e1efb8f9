package desktoptest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/testenv"
)

// busConfig is a session bus with no service activation: only what the test
// starts itself ever answers on it.
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// StartBus starts a private dbus-daemon for t, with no service activation so
// that nothing is started behind the test's back, and returns its address for
// DBUS_SESSION_BUS_ADDRESS. The daemon is killed at cleanup.
func StartBus(t testing.TB) (addr string) {
	t.Helper()
	testenv.Require(t, "dbus-daemon")
	// Not t.TempDir: a unix socket path must stay under about 100 bytes and
	// test names can be long.
	dir, err := os.MkdirTemp("", "dbus-")
	if err != nil {
		t.Fatalf("start bus: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, busConfig, filepath.Join(dir, "bus")), 0o600); err != nil {
		t.Fatalf("start bus: %v", err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile", "--print-address=1")
	// dbus-daemon complains about fd limits it cannot raise as non-root
	// and root alike; show what it said only when something went wrong.
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = dieWithParent()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("start bus: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start bus: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("dbus-daemon said: %s", bytes.TrimSpace(stderr.Bytes()))
		}
	})
	// The daemon prints its address once it listens.
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case addr = <-line:
	case <-time.After(testenv.WaitLimit):
		t.Fatalf("start bus: dbus-daemon printed no address within %v", testenv.WaitLimit)
	}
	if addr == "" {
		cmd.Wait()
		t.Fatalf("start bus: dbus-daemon exited without printing its address: %s", bytes.TrimSpace(stderr.Bytes()))
	}
	return addr
}

// Connect opens a private connection to the bus at addr, closed at cleanup.
func Connect(t testing.TB, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to bus %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// ownName requests name on conn and fails t unless conn became its primary
// owner: a test double that silently queued behind another owner would see
// no calls.
func ownName(t testing.TB, conn *dbus.Conn, name string) {
	t.Helper()
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil {
		t.Fatalf("own %s: %v", name, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: another connection owns it (reply %d)", name, reply)
	}
}
