package playback

import "time"

// Tick is a reading of both clocks. Wall is the calendar time, which keeps
// running while the machine sleeps; Mono is a monotonic reading, which on
// Linux and macOS stops during sleep.
type Tick struct {
	Wall time.Time
	Mono time.Duration
}

// sleepThreshold is how much unexplained time counts as a sleep; below it,
// scheduling delays and clock adjustments are mere noise.
const sleepThreshold = 5 * time.Second

// Slept reports whether the machine slept (or the process was frozen) between
// two ticks of a timer with the given period. Either the wall clock ran
// ahead of the monotonic one (Linux, macOS: the monotonic clock stops during
// sleep), or the monotonic time between ticks far exceeds the period
// (Windows, whose monotonic clock keeps counting while asleep, so the timer
// fires late instead). A wall clock set forward by hand looks the same; the
// cost of that mistake is one extra poll.
func Slept(prev, cur Tick, period time.Duration) bool {
	mono := cur.Mono - prev.Mono
	wall := cur.Wall.Round(0).Sub(prev.Wall.Round(0))
	return wall-mono > sleepThreshold || mono > period+sleepThreshold
}
