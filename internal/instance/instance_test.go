package instance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/testenv"
)

// The test binary re-executed with this variable set acts as another
// spotray process: it acquires the lock in the named directory, says what
// happened on stdout, and holds the lock until its stdin closes.
const helperEnv = "SPOTRAY_INSTANCE_TEST_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		release, err := Acquire(dir)
		if err != nil {
			fmt.Println("error:", err, errors.Is(err, ErrRunning))
			os.Exit(0)
		}
		fmt.Println("acquired")
		io.Copy(io.Discard, os.Stdin)
		release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// otherProcess starts a process that tries to acquire the lock in dir and
// returns its first line of output and a function that ends it: gracefully,
// or with SIGKILL (on Windows, TerminateProcess) if crash is set.
func otherProcess(t *testing.T, dir string) (string, func(crash bool)) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("other process: %v", err)
	}
	end := func(crash bool) {
		if crash {
			cmd.Process.Kill()
			cmd.Wait()
			return
		}
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("other process: %v", err)
		}
	}
	return strings.TrimSpace(line), end
}

func TestSecondProcessIsRefused(t *testing.T) {
	dir := t.TempDir()
	release, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	line, end := otherProcess(t, dir)
	end(false)
	want := fmt.Sprintf("error: spotray is already running (process %d) true", os.Getpid())
	if line != want {
		t.Errorf("while held, another process got %q, want %q", line, want)
	}

	release()
	release() // a second call does nothing
	line, end = otherProcess(t, dir)
	if line != "acquired" {
		t.Errorf("after release, another process got %q", line)
	}
	// And now this process is the second one.
	if _, err := Acquire(dir); !errors.Is(err, ErrRunning) {
		t.Errorf("Acquire while another process holds the lock: %v", err)
	}
	end(true)
	// The kernel frees the lock when its holder dies.
	release, err = Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after the other process ended: %v", err)
	}
	release()
}

func TestAcquireCreatesPrivateDir(t *testing.T) {
	dir := t.TempDir() + "/state/spotray"
	release, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := testenv.CheckPerm(dir, 0o700); err != nil {
		t.Error(err)
	}
	if _, err := Acquire(dir); !errors.Is(err, ErrRunning) {
		t.Errorf("second Acquire in the same process: %v", err)
	}
}
