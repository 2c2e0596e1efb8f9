package playback

import (
	"math/rand/v2"
	"testing"
	"time"
)

// obs builds an observation of the track key at offset from at.
func obs(key string, playing bool, progress, duration, offset time.Duration) Status {
	kind := Track
	if key == "" {
		kind = Nothing
	}
	return Status{Item: Item{Kind: kind, Key: key, Title: key, Duration: duration}, Playing: playing,
		Progress: progress, At: at.Add(offset)}
}

func TestNextPoll(t *testing.T) {
	const ms, s, m = time.Millisecond, time.Second, time.Minute
	ad := Status{Item: Item{Kind: Ad}, Playing: true, Progress: 5 * s, At: at}
	unknown := Status{Item: Item{Kind: Unknown}, Playing: true, At: at}
	tests := []struct {
		name      string
		prev, cur Status
		interval  time.Duration
		want      time.Duration
	}{
		// The skip checks: dense in a track's first seconds, where a quarter of
		// plays are skipped, every 8 s until 2:20, every 30 s after.
		{"playing, at the very start", Status{}, obs("a", true, 0, 4*m, 0), 0, 1 * s},
		{"playing, 100 ms in", Status{}, obs("a", true, 100*ms, 4*m, 0), 0, 1 * s},
		{"playing, at Calm", Status{}, obs("a", true, 1500*ms, 4*m, 0), 0, 3100 * ms},
		{"playing, 4.6 s in", Status{}, obs("a", true, 4600*ms, 4*m, 0), 0, 5400 * ms},
		{"playing, 10 s in", Status{}, obs("a", true, 10*s, 4*m, 0), 0, 7900 * ms},
		{"playing, a minute in", Status{}, obs("a", true, m, 4*m, 0), 0, 8 * s},
		{"playing, just before a skip is unlikely", Status{}, obs("a", true, 140*s-ms, 4*m, 0), 0, 8 * s},
		{"playing, once a skip is unlikely", Status{}, obs("a", true, 140*s, 4*m, 0), 0, 30 * s},
		// The checks follow the position: a track first seen, or resumed,
		// late in it gets no dense start.
		{"playing, first seen at 3:00", Status{}, obs("a", true, 3*m, 5*m, 0), 0, 30 * s},
		{"playing, resumed at 3:00", obs("a", false, 3*m, 5*m, -2*m), obs("a", true, 3*m, 5*m, 0), 0, 30 * s},
		{"playing, resumed at 0:02", obs("a", false, 2*s, 5*m, -2*m), obs("a", true, 2*s, 5*m, 0), 0, 3500 * ms},
		{"playing, end within the next check", Status{}, obs("a", true, 4*m-3*s, 4*m, 0), 0, 4 * s},
		{"playing, end in 100 ms", Status{}, obs("a", true, 4*m-100*ms, 4*m, 0), 0, 1100 * ms},
		{"playing, end right at the next check", Status{}, obs("a", true, 4*m-29*s, 4*m, 0), 0, 30 * s},
		{"playing, at the end: Spotify lags behind", obs("a", true, 4*m-5*s, 4*m, -6*s), obs("a", true, 4*m, 4*m, 0), 0, 1 * s},
		{"playing, still at the end: stale state", obs("a", true, 4*m, 4*m, -1*s), obs("a", true, 4*m, 4*m, 0), 0, 10 * s},
		{"playing, duration unknown", Status{}, obs("a", true, m, 0, 0), 0, 10 * s},
		{"playing, advancing normally", obs("a", true, 4*m-12*s, 4*m, -10*s), obs("a", true, 4*m-2*s, 4*m, 0), 0, 3 * s},
		{"playing, position frozen near the end", obs("a", true, 4*m-2*s, 4*m, -3*s), obs("a", true, 4*m-2*s, 4*m, 0), 0, 10 * s},
		{"playing, position frozen at the start", obs("a", true, 2*s, 4*m, -4*s), obs("a", true, 2*s, 4*m, 0), 0, 10 * s},
		{"playing after a pause is not frozen", obs("a", false, 4*m-2*s, 4*m, -30*s), obs("a", true, 4*m-2*s, 4*m, 0), 0, 3 * s},
		{"new track after the old one", obs("a", true, 4*m-1*s, 4*m, -2*s), obs("b", true, 1*s, 3*m, 0), 0, 2500 * ms},
		{"new short track", obs("a", true, 4*m-1*s, 4*m, -2*s), obs("b", true, 1*s, 3*s, 0), 0, 2500 * ms},
		// The interval scales the skip checks, not the end.
		{"interval 5 s, at Calm", Status{}, obs("a", true, 1500*ms, 4*m, 0), 5 * s, 1500 * ms},
		{"interval 5 s, a minute in", Status{}, obs("a", true, m, 4*m, 0), 5 * s, 4 * s},
		{"interval 20 s, a minute in", Status{}, obs("a", true, m, 4*m, 0), 20 * s, 16 * s},
		{"interval 20 s, at 3:00", Status{}, obs("a", true, 3*m, 5*m, 0), 20 * s, 60 * s},
		{"interval 20 s, near the end", Status{}, obs("a", true, 4*m-3*s, 4*m, 0), 20 * s, 4 * s},
		{"interval 30 s, a minute in", Status{}, obs("a", true, m, 4*m, 0), 30 * s, 24 * s},
		{"interval below the minimum, a minute in", Status{}, obs("a", true, m, 4*m, 0), 500 * ms, 1600 * ms},
		{"interval at the minimum, at Calm: never below a second", Status{}, obs("a", true, 1500*ms, 4*m, 0), 2 * s, 1 * s},
		{"paused", Status{}, obs("a", false, m, 4*m, 0), 0, 30 * s},
		{"paused near the end", Status{}, obs("a", false, 4*m-1*s, 4*m, 0), 0, 30 * s},
		{"paused, long interval", Status{}, obs("a", false, m, 4*m, 0), 45 * s, 45 * s},
		{"nothing playing", Status{}, obs("", false, 0, 0, 0), 0, 60 * s},
		{"nothing playing, long interval", Status{}, obs("", false, 0, 0, 0), 90 * s, 90 * s},
		{"ad", Status{}, ad, 0, 10 * s},
		{"ad, long interval", Status{}, ad, 60 * s, 15 * s},
		{"unknown item", Status{}, unknown, 0, 10 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NextPoll(tt.prev, tt.cur, tt.interval); got != tt.want {
				t.Errorf("NextPoll = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClampInterval(t *testing.T) {
	for in, want := range map[time.Duration]time.Duration{
		-time.Second: DefaultInterval, 0: DefaultInterval, time.Second: MinInterval,
		2 * time.Second: 2 * time.Second, time.Minute: time.Minute,
	} {
		if got := ClampInterval(in); got != want {
			t.Errorf("ClampInterval(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		failures int
		ceiling  time.Duration
	}{
		{0, 2 * time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second}, {3, 8 * time.Second},
		{6, 64 * time.Second}, {7, 2 * time.Minute}, {8, 2 * time.Minute}, {64, 2 * time.Minute}, {1 << 30, 2 * time.Minute},
	}
	for _, tt := range tests {
		var biggest time.Duration
		for range 2000 {
			d := Backoff(tt.failures, rnd)
			if d < backoffFloor || d > tt.ceiling {
				t.Fatalf("Backoff(%d) = %v, outside [%v, %v]", tt.failures, d, backoffFloor, tt.ceiling)
			}
			biggest = max(biggest, d)
		}
		// Full jitter spreads over the whole range.
		if biggest < tt.ceiling*9/10 {
			t.Errorf("Backoff(%d) never above %v of %v", tt.failures, biggest, tt.ceiling)
		}
	}
}
