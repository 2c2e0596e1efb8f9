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
	const s, m = time.Second, time.Minute
	ad := Status{Item: Item{Kind: Ad}, Playing: true, Progress: 5 * s, At: at}
	unknown := Status{Item: Item{Kind: Unknown}, Playing: true, At: at}
	tests := []struct {
		name      string
		prev, cur Status
		interval  time.Duration
		want      time.Duration
	}{
		{"playing, far from the end", Status{}, obs("a", true, m, 4*m, 0), 0, 10 * s},
		{"playing, end within the interval", Status{}, obs("a", true, 4*m-3*s, 4*m, 0), 0, 4 * s},
		{"playing, end in 100 ms", Status{}, obs("a", true, 4*m-100*time.Millisecond, 4*m, 0), 0, 1100 * time.Millisecond},
		{"playing, exactly one interval left", Status{}, obs("a", true, 4*m-9*s, 4*m, 0), 0, 10 * s},
		{"playing, at the end: Spotify lags behind", obs("a", true, 4*m-5*s, 4*m, -6*s), obs("a", true, 4*m, 4*m, 0), 0, 1 * s},
		{"playing, still at the end: stale state", obs("a", true, 4*m, 4*m, -1*s), obs("a", true, 4*m, 4*m, 0), 0, 10 * s},
		{"playing, duration unknown", Status{}, obs("a", true, m, 0, 0), 0, 10 * s},
		{"playing, advancing normally", obs("a", true, 4*m-12*s, 4*m, -10*s), obs("a", true, 4*m-2*s, 4*m, 0), 0, 3 * s},
		{"playing, position frozen near the end", obs("a", true, 4*m-2*s, 4*m, -3*s), obs("a", true, 4*m-2*s, 4*m, 0), 0, 10 * s},
		{"playing after a pause is not frozen", obs("a", false, 4*m-2*s, 4*m, -30*s), obs("a", true, 4*m-2*s, 4*m, 0), 0, 3 * s},
		{"new track after the old one", obs("a", true, 4*m-1*s, 4*m, -2*s), obs("b", true, 1*s, 5*s, 0), 0, 5 * s},
		{"custom interval", Status{}, obs("a", true, m, 4*m, 0), 30 * s, 30 * s},
		{"interval below the minimum", Status{}, obs("a", true, m, 4*m, 0), 500 * time.Millisecond, 2 * s},
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
