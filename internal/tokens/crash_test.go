package tokens

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

// crashDirEnv makes TestSaveLoopChild rewrite the token file in that
// directory until it is killed.
const crashDirEnv = "SPOTRAY_TOKENS_CRASH_DIR"

// crashToken is the n-th token the child writes. Its parts all carry n, so a
// file mixing two writes is detected; the padding makes each write span
// several pages, so a kill can land in the middle of one.
func crashToken(n int) *Token {
	pad := strings.Repeat(strconv.Itoa(n%10), 3000+n%5000)
	return &Token{
		ClientID:     testClientID,
		AccessToken:  fmt.Sprintf("access-%d-%s", n, pad),
		RefreshToken: fmt.Sprintf("refresh-%d-%s", n, pad),
		TokenType:    "Bearer",
		Expiry:       authorized.Add(time.Duration(n) * time.Second),
		AuthorizedAt: authorized,
		User:         fmt.Sprintf("user-%d", n),
	}
}

// TestSaveLoopChild is the child process of TestSaveSurvivesKill.
func TestSaveLoopChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestSaveSurvivesKill")
	}
	s := &Store{Dir: dir}
	for n := 0; ; n++ {
		if err := s.Save(crashToken(n)); err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		if n == 0 {
			fmt.Println("saving")
		}
	}
}

// TestSaveSurvivesKill kills a process at random instants while it rewrites
// the token file, and checks every time that the file holds one complete
// token that was written.
func TestSaveSurvivesKill(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	if testing.Short() {
		t.Skip("starts 100 processes")
	}
	s := &Store{Dir: t.TempDir()}
	for i := range 100 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSaveLoopChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+s.Dir)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if line != "saving\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child #%d: %q %v", i, line, err)
		}
		time.Sleep(time.Duration(rand.IntN(20_000)) * time.Microsecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("child #%d ended by itself: %v", i, err)
		}

		got, err := s.Load()
		if err != nil {
			t.Fatalf("after kill #%d: %v", i, err)
		}
		n, err := strconv.Atoi(strings.TrimPrefix(got.User, "user-"))
		if err != nil {
			t.Fatalf("after kill #%d: user %q", i, got.User)
		}
		if want := crashToken(n); !sameToken(got, want) {
			t.Fatalf("after kill #%d: token #%d is not the one written", i, n)
		}
		if err := testenv.CheckPerm(s.Path(), fileMode); err != nil {
			t.Fatalf("after kill #%d: %v", i, err)
		}
	}
}
