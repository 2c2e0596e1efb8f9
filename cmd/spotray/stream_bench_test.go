//go:build unix

package main_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/fakespotify"
)

// BenchmarkFollowLatency measures, through the real binaries, how long a
// change takes to reach 10 `spotray now --follow` readers of a running
// tray: from the tray's poll that saw it (the simulated Spotify's request
// log) to each reader's line, and from the change itself (which adds the
// wait for that poll). The readers are pointed at a second simulated
// Spotify, whose request count is the API calls they add.
func BenchmarkFollowLatency(b *testing.B) {
	const readers = 10
	d := newDesk(b)
	fake := fakespotify.NewTestServer(b, fakespotify.Options{})
	fake.SetCurrentlyPlaying(playing(b, fakespotify.FixtureTrack, true))
	h := trayHome(b, fake)
	h.seedLogin()
	p := startTray(b, h, d)
	p.item().WaitMenu(playingMenu...)
	spy := fakespotify.NewTestServer(b, fakespotify.Options{})
	env := []string{"SPOTRAY_API_URL=" + spy.URL(), "SPOTRAY_ACCOUNTS_URL=" + spy.URL()}
	var fs []*followProc
	for range readers {
		f := startFollow(b, h, env, "now", "--follow")
		f.next()
		fs = append(fs, f)
	}
	fixtures := []string{fakespotify.FixtureEpisode, fakespotify.FixtureTrack}
	var fromPoll, fromChange []time.Duration
	b.ResetTimer()
	for i := range b.N {
		changed := time.Now()
		fake.SetCurrentlyPlaying(playing(b, fixtures[i%2], true))
		for _, f := range fs {
			l := f.nextAt()
			reqs := fake.Requests(currentlyPlaying)
			polled := reqs[0]
			for _, r := range reqs {
				if r.Before(l.at) {
					polled = r
				}
			}
			fromPoll = append(fromPoll, l.at.Sub(polled))
			fromChange = append(fromChange, l.at.Sub(changed))
		}
	}
	b.StopTimer()
	pct := func(ds []time.Duration, q float64) float64 {
		slices.Sort(ds)
		return float64(ds[int(q*float64(len(ds)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(fromPoll, 0.5), "ms-poll-to-line-p50")
	b.ReportMetric(pct(fromPoll, 0.95), "ms-poll-to-line-p95")
	b.ReportMetric(pct(fromChange, 0.5), "ms-change-to-line-p50")
	b.ReportMetric(float64(len(spy.Requests(currentlyPlaying))+len(spy.Requests("/api/token"))), "calls-by-readers")
	b.ReportMetric(0, "ns/op")
	fmt.Fprintf(b.Output(), "%d readers, %d changes\n", readers, b.N)
}
