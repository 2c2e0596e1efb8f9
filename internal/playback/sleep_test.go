package playback

import (
	"testing"
	"time"
)

func TestSlept(t *testing.T) {
	const s = time.Second
	tick := func(wall, mono time.Duration) Tick { return Tick{Wall: at.Add(wall), Mono: mono} }
	tests := []struct {
		name      string
		prev, cur Tick
		want      bool
	}{
		{"on time", tick(0, 0), tick(5*s, 5*s), false},
		{"late by scheduling noise", tick(0, 0), tick(7*s, 7*s), false},
		{"wall ahead by 4 s (NTP step)", tick(0, 0), tick(9*s, 5*s), false},
		{"Linux/macOS sleep of an hour", tick(0, 0), tick(time.Hour+5*s, 5*s), true},
		{"just over the threshold", tick(0, 0), tick(10*s+1, 5*s), true},
		{"Windows: monotonic kept counting", tick(0, 0), tick(time.Hour, time.Hour), true},
		{"process stopped for 11 s", tick(0, 0), tick(11*s, 11*s), true},
		{"wall clock set back", tick(0, 0), tick(-time.Hour, 5*s), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Slept(tt.prev, tt.cur, 5*s); got != tt.want {
				t.Errorf("Slept = %v, want %v", got, tt.want)
			}
		})
	}
}
