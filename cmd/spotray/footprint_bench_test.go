package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

// The benchmarks in this file measure what the real spotray binary costs a
// user: how soon its icon and menu appear, how much memory and CPU it uses
// while music plays and while nothing does, how often it calls Spotify, and
// how big it is. They run the binary exactly as the end-to-end tests do (a
// private session bus on which the benchmark plays the panel and the
// notification daemon, and a simulated Spotify), without debug logging and
// with the default poll interval, as a user runs it.
//
//	go test -run '^$' -bench 'BenchmarkTrayStartup$' -benchtime 10x ./cmd/spotray/
//	SPOTRAY_FOOTPRINT_DURATION=10m go test -run '^$' -bench 'BenchmarkTrayFootprint$' -benchtime 1x -timeout 30m ./cmd/spotray/
//	SPOTRAY_FOOTPRINT_DURATION=5m go test -run '^$' -bench 'BenchmarkTrayFootprintIdle$' -benchtime 1x -timeout 30m ./cmd/spotray/
//	go test -run '^$' -bench 'BenchmarkBinarySize$' -benchtime 1x ./cmd/spotray/
//
// Run them without -race: the race detector multiplies memory and CPU, so
// the tray benchmarks skip under it.

// EnvFootprintDuration sets how long the footprint benchmarks watch the
// tray (a Go duration); the published figures use 10m playing and 5m idle.
const EnvFootprintDuration = "SPOTRAY_FOOTPRINT_DURATION"

const defaultFootprintDuration = time.Minute

// apiPaths are the Spotify endpoints the tray calls; album art comes from
// Spotify's image CDN in real life, so it is counted apart.
var apiPaths = []string{"/v1/me/player", "/api/token", "/v1/me"}

// BenchmarkTrayStartup times a connected tray from exec to its icon
// registered with the panel (ms-to-registered) and to a menu that shows the
// playing track (ms-to-menu). Each iteration is a fresh process on the same
// desktop and home, so the first is a cold start and the rest are warm,
// like a tray started at every login.
func BenchmarkTrayStartup(b *testing.B) {
	skipUnderRace(b)
	d := newDesk(b)
	fake := fakespotify.NewTestServer(b, fakespotify.Options{})
	h := newHome(b, fake)
	h.seedLogin()
	playlist := fakespotify.DemoPlaylist()
	var toRegistered, toMenu time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		// From the first item again, so the menu must show its title.
		fake.SetPlaylist(playlist)
		b.StartTimer()
		p := startTray(b, h, d)
		reg := registered(p)
		menuAt := labelShown(p, playlist[0].Name)
		b.StopTimer()
		toRegistered += reg.At.Sub(p.started)
		toMenu += menuAt.Sub(p.started)
		stopTray(p)
	}
	b.ReportMetric(ms(toRegistered)/float64(b.N), "ms-to-registered")
	b.ReportMetric(ms(toMenu)/float64(b.N), "ms-to-menu")
}

// BenchmarkTrayFootprint watches a connected tray while a playlist of
// ordinary songs plays, notifications on.
func BenchmarkTrayFootprint(b *testing.B) {
	playlist := realisticPlaylist()
	benchFootprint(b, func(f *fakespotify.Server) { f.SetPlaylist(playlist) }, playlist[0].Name)
}

// BenchmarkTrayFootprintIdle watches a connected tray while nothing plays,
// which is most of its life: the target is under 1 CPU-s/h.
func BenchmarkTrayFootprintIdle(b *testing.B) {
	benchFootprint(b, (*fakespotify.Server).SetNothingPlaying, "Nothing playing")
}

// BenchmarkBinarySize reports the size of the spotray executable as built
// by default and stripped of its symbol table and DWARF (-s -w).
func BenchmarkBinarySize(b *testing.B) {
	for _, bc := range []struct{ name, ldflags string }{{"default", ""}, {"stripped", "-s -w"}} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "spotray")
			args := []string{"build", "-o", path}
			if bc.ldflags != "" {
				args = append(args, "-ldflags="+bc.ldflags)
			}
			out, err := exec.Command("go", append(args, "github.com/spotray/spotray/cmd/spotray")...).CombinedOutput()
			if err != nil {
				b.Fatalf("go build: %v\n%s", err, out)
			}
			var size int64
			for range b.N {
				fi, err := os.Stat(path)
				if err != nil {
					b.Fatal(err)
				}
				size = fi.Size()
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(mib(size), "MiB")
		})
	}
}

// benchFootprint starts a connected tray after setup has set what plays,
// waits for its menu to show settled (a label containing want), then
// watches it for the configured duration: resident memory every second,
// the peak (VmHWM) and the CPU time at the end. CPU and API calls count
// from the settled menu on, so start-up work does not inflate the hourly
// rates; the peak covers the whole life of the process.
func benchFootprint(b *testing.B, setup func(*fakespotify.Server), want string) {
	skipUnderRace(b)
	dur := footprintDuration(b)
	tck := clockTicks()
	d := newDesk(b)
	fake := fakespotify.NewTestServer(b, fakespotify.Options{})
	h := newHome(b, fake)
	h.seedLogin()
	var peak, avg, cpuPerHour, schedPerHour, callsPerHour, notesPerHour float64
	b.ResetTimer()
	for range b.N {
		setup(fake)
		p := startTray(b, h, d)
		labelShown(p, want)
		notes0 := len(d.notes.Calls())
		ticks0, sched0 := p.cpu(b)
		start := time.Now()
		var rssSum, samples int64
		tick := time.NewTicker(time.Second)
		for time.Since(start) < dur {
			rssSum += p.status(b).rss
			samples++
			<-tick.C
		}
		tick.Stop()
		ticks1, sched1 := p.cpu(b)
		hwm := p.status(b).hwm
		end := time.Now()
		hours := end.Sub(start).Hours()
		calls := 0
		for _, path := range apiPaths {
			calls += countBetween(fake.Requests(path), start, end)
		}
		notes := len(d.notes.Calls()) - notes0
		stopTray(p)

		peak += mib(hwm * 1024)
		avg += mib(rssSum*1024) / float64(samples)
		cpuPerHour += float64(ticks1-ticks0) / float64(tck) / hours
		schedPerHour += (sched1 - sched0).Seconds() / hours
		callsPerHour += float64(calls) / hours
		notesPerHour += float64(notes) / hours
		b.Logf("watched %v: %d API calls, %d notifications, %d RSS samples, CPU %d ticks (CLK_TCK %d), %v scheduled",
			end.Sub(start).Round(time.Second), calls, notes, samples, ticks1-ticks0, tck, sched1-sched0)
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(peak/n, "peak-RSS-MiB")
	b.ReportMetric(avg/n, "avg-RSS-MiB")
	b.ReportMetric(cpuPerHour/n, "CPU-s/h")
	// The same from the scheduler's nanosecond accounting, which resolves
	// the few milliseconds an idle tray spends far better than clock ticks.
	b.ReportMetric(schedPerHour/n, "sched-CPU-s/h")
	b.ReportMetric(callsPerHour/n, "API-calls/h")
	b.ReportMetric(notesPerHour/n, "notifications/h")
}

// realisticPlaylist is songs of ordinary length (2.5 to 6 minutes) with
// album art, so that a long run sees a track change every few minutes, each
// with a notification, as a listener's tray does.
func realisticPlaylist() []fakespotify.Item {
	lengths := []string{"3m41s", "4m12s", "2m58s", "5m37s", "3m05s", "4m49s", "2m34s", "6m00s", "3m27s", "4m03s", "2m45s", "5m11s"}
	items := make([]fakespotify.Item, len(lengths))
	for i, l := range lengths {
		d, err := time.ParseDuration(l)
		if err != nil {
			panic(err)
		}
		artists := []string{fmt.Sprintf("Artist %d", i%5+1)}
		if i%4 == 3 {
			artists = append(artists, "Guest Singer")
		}
		items[i] = fakespotify.Item{
			Name: fmt.Sprintf("Song %d", i+1), Artists: artists, Album: fmt.Sprintf("Album %d", i%5+1),
			Duration: d, Image: fmt.Sprintf("/demo-art/%d.png", i%5+1),
		}
	}
	return items
}

// footprintDuration reads EnvFootprintDuration.
func footprintDuration(b *testing.B) time.Duration {
	v := os.Getenv(EnvFootprintDuration)
	if v == "" {
		return defaultFootprintDuration
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 2*time.Second {
		b.Fatalf("%s=%q: want a duration of at least 2s, such as 10m", EnvFootprintDuration, v)
	}
	return d
}

// skipUnderRace skips when this test binary, and so the spotray binary
// testenv.BuildSpotray builds for it, uses the race detector.
func skipUnderRace(b *testing.B) {
	b.Helper()
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				b.Skip("the race detector multiplies memory and CPU: run the benchmarks without -race")
			}
		}
	}
}

// stopTray ends the tray with SIGTERM, as a session does at logout.
func stopTray(p *trayProc) {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		p.t.Errorf("spotray exited with %d on SIGTERM; output:\n%s", code, p.out.String())
	}
}

// alive fails the benchmark if the tray has exited.
func alive(p *trayProc) {
	p.t.Helper()
	select {
	case <-p.done:
		p.t.Fatalf("spotray exited: %v; output:\n%s", p.cmd.ProcessState, p.out.String())
	default:
	}
}

// registered waits for the tray's StatusNotifierItem registration. The
// panel stamps the registration as it receives it; sampling every
// millisecond (rather than at testenv.WaitFor's 10 ms) is for labelShown,
// which starts reading the menu once this returns.
func registered(p *trayProc) desktoptest.Registration {
	p.t.Helper()
	for deadline := time.Now().Add(testenv.WaitLimit); ; time.Sleep(time.Millisecond) {
		if r := p.registration(); r != nil {
			return *r
		}
		alive(p)
		if time.Now().After(deadline) {
			p.t.Fatalf("waited %v for spotray's icon to register", testenv.WaitLimit)
		}
	}
}

// labelShown waits until a menu entry's label contains want, and returns
// when the answer saying so came. It samples the menu every 2 ms rather
// than through testenv.WaitFor, whose 10 ms between looks would be a large
// part of the startup time measured (about 60 ms); the limit is the same.
func labelShown(p *trayProc, want string) time.Time {
	p.t.Helper()
	for deadline := time.Now().Add(testenv.WaitLimit); ; time.Sleep(2 * time.Millisecond) {
		entries := p.item().Menu()
		at := time.Now()
		if slices.ContainsFunc(entries, func(e desktoptest.Entry) bool { return strings.Contains(e.Label, want) }) {
			return at
		}
		if at.After(deadline) {
			p.t.Fatalf("waited %v for a menu entry showing %q; menu %q", testenv.WaitLimit, want, p.item().Shown())
		}
	}
}

// procStatus is the memory lines of /proc/PID/status, in KiB.
type procStatus struct{ rss, hwm int64 }

func (p *trayProc) status(b *testing.B) procStatus {
	b.Helper()
	alive(p)
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		b.Fatalf("read status: %v", err)
	}
	var st procStatus
	for line := range strings.Lines(string(data)) {
		k, v, _ := strings.Cut(line, ":")
		var dst *int64
		switch k {
		case "VmRSS":
			dst = &st.rss
		case "VmHWM":
			dst = &st.hwm
		default:
			continue
		}
		f := strings.Fields(v) // "12345 kB"
		if len(f) != 2 || f[1] != "kB" {
			b.Fatalf("status line %q", line)
		}
		if *dst, err = strconv.ParseInt(f[0], 10, 64); err != nil {
			b.Fatalf("status line %q: %v", line, err)
		}
	}
	if st.rss == 0 || st.hwm == 0 {
		b.Fatalf("no VmRSS or VmHWM in /proc/%d/status", p.cmd.Process.Pid)
	}
	return st
}

// cpu returns the process's CPU time so far: user+system clock ticks from
// /proc/PID/stat, and the scheduler's run time summed over its threads
// from /proc/PID/task/*/schedstat.
func (p *trayProc) cpu(b *testing.B) (ticks int64, sched time.Duration) {
	b.Helper()
	alive(p)
	pid := p.cmd.Process.Pid
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatalf("read stat: %v", err)
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after it. utime and stime are fields 14 and 15 of stat(5).
	i := strings.LastIndex(string(data), ") ")
	f := strings.Fields(string(data[i+1:]))
	if i < 0 || len(f) < 13 {
		b.Fatalf("stat %q", data)
	}
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatalf("stat %q: %v", data, err)
		}
		ticks += n
	}
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range tasks {
		data, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that just exited
		}
		f := strings.Fields(string(data))
		if len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			sched += time.Duration(n)
		}
	}
	return ticks, sched
}

// clockTicks is the kernel's CLK_TCK, the unit of /proc/PID/stat times.
func clockTicks() int64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 100 // what Linux uses on every common architecture
}

func countBetween(times []time.Time, from, to time.Time) int {
	n := 0
	for _, t := range times {
		if !t.Before(from) && !t.After(to) {
			n++
		}
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func mib(bytes int64) float64 { return float64(bytes) / (1 << 20) }
