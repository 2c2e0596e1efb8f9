//go:build unix

package stream

import (
	"os"

	"golang.org/x/sys/unix"
)

// HungUp is closed when nobody reads f any more (a pipe whose reader
// exited, as `| head -1` does), so that a follower that has nothing new to
// write still ends when its status bar goes away, instead of at the next
// change. It never closes for a terminal or a file.
func HungUp(f *os.File) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		fds := []unix.PollFd{{Fd: int32(f.Fd())}} // no events asked: only errors and hangups wake it
		for {
			_, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if err == nil && fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
				close(ch)
			}
			return
		}
	}()
	return ch
}
