package main_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/fakespotify"
)

// BenchmarkLocalChangeLatency measures how long a track change of a local
// player takes to reach the menu: from the player's PropertiesChanged to
// the panel reading the new label over dbusmenu, through the real binary.
func BenchmarkLocalChangeLatency(b *testing.B) {
	skipUnderRace(b)
	d := newDesk(b)
	fake := fakespotify.NewTestServer(b, fakespotify.Options{})
	h := trayHome(b, fake)
	h.seedLogin()
	client := desktoptest.NewPlayer(b, d.addr, "spotify")
	client.Set("Playing", spotifyTrack("0000000000000000000000", "Bench start", "Bench"))
	p := startTray(b, h, d)
	labelShown(p, "Bench start")
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		title := fmt.Sprintf("Bench %d", i)
		start := time.Now()
		client.Set("Playing", spotifyTrack(fmt.Sprintf("%022d", i+1), title, "Bench"))
		lat = append(lat, labelShown(p, title+" —").Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "ms-p50")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "ms-p95")
	b.ReportMetric(float64(len(fake.Requests("/v1/me/player"))), "playback-requests")
}
