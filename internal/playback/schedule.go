package playback

import (
	"math"
	"math/rand/v2"
	"time"
)

// Polling pace. Spotify rate-limits personal apps at around 1,400 calls a
// day per developer account in the worst reports, so the pace follows what
// can change: a playing track can only end at a known time or be skipped, and
// skips come early (see skipCheck); a paused or idle player changes only when
// the user acts.
const (
	// DefaultInterval is the pace setting's default (poll_interval). The
	// skip checks below are designed and measured at it; another setting
	// scales their gaps by setting/DefaultInterval. It is also the gap when
	// Spotify's position cannot be trusted (see NextPoll).
	DefaultInterval = 10 * time.Second
	// MinInterval is the smallest setting: five times the default pace.
	MinInterval = 2 * time.Second
	// PausedPoll is the gap while paused: resuming is noticed within it.
	PausedPoll = 30 * time.Second
	// IdlePoll is the gap while nothing plays (204).
	IdlePoll = 60 * time.Second
	// AdPoll is the longest gap during an ad. The API gives ads no duration;
	// most last 15-30 s, so polling at least this often notices the music
	// coming back within 15 s even with a long interval setting.
	AdPoll = 15 * time.Second
	// endSlack is how long after a track's expected end to look: late enough
	// that Spotify has moved on, early enough to notice within about a second.
	endSlack = time.Second
)

// The skip checks, at DefaultInterval. Spotify's listening data (P. Lamere,
// "The Skip", Music Machinery, 2014) has 24% of plays skipped within 5 s,
// 29% within 10 s, 35% within 30 s and 49% before the end. Read as a hazard,
// the chance per second that a track still playing at position t is skipped
// then, that is about 0.08/t at every position from 1 s to the end: 6%/s at
// 1.5 s, 0.75%/s at 10 s, 0.2%/s at 30 s, 0.06%/s at 2:20.
const (
	// skipSlope shapes the checks in a track's first seconds. With a
	// hazard h(t), the gap that makes the fewest calls for a given expected
	// delay in noticing a skip is √(2λ/h(t)), λ the delay one call is worth;
	// for h = 0.08/t that is skipSlope·√t. At 2.5 s per √s (λ = 0.25 s) the
	// checks come at 1.5 s (the Announcer's confirmation, which doubles as
	// the first check), 4.6 s, 10 s and 17.9 s into a track, then every
	// skipGap, and half the skips are noticed within 2.2 s on the simulated
	// day; 2 would cost 1.5% more calls for 0.25 s less, 3 would save 1% and
	// put that at 2.5 s.
	skipSlope = 2.5
	// skipGap is the longest gap while a skip is likely. The aim is 95% of
	// skips noticed within 8 s; with longer gaps, some of the skips in each
	// would wait longer.
	skipGap = 8 * time.Second
	// skipLikely is where a skip stops being likely: after 2:20 come only
	// about 8% of skips (0.06%/s and falling), too few to be worth a call
	// every 8 s. Checking every 8 s up to here and every lateGap after
	// keeps 95% of skips noticed within 8 s on the simulated day; stopping
	// at 2:00 would not (13.9 s), and every 20 s more of checks costs 20 to
	// 30 calls per playing hour.
	skipLikely = 140 * time.Second
	// lateGap is the gap after skipLikely: a late skip is noticed within 30 s
	// (15 s on average), and a track's end, the likeliest change by far then,
	// is looked at when it falls due anyway.
	lateGap = 30 * time.Second
	// minGap is the shortest skip-check gap at any setting.
	minGap = time.Second
)

// Retry pace after failures.
const (
	backoffBase  = 2 * time.Second // ceiling of the first retry's delay
	backoffCap   = 2 * time.Minute // ceiling of any retry's delay
	backoffFloor = time.Second     // full jitter can draw ~0; never retry at once
)

// ClampInterval applies the default (for 0 or less) and the minimum.
func ClampInterval(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultInterval
	}
	return max(d, MinInterval)
}

// NextPoll says how long after cur to poll again. prev is the observation
// before cur (zero if none); it shows whether the position is frozen.
// interval is the pace setting (see ClampInterval).
//
// While playing, the poll comes at the next skip check (skipCheck) or at the
// track's expected end plus endSlack, whichever is sooner, so a natural track
// change is noticed about a second after it happens; a track reported at its
// very end (Spotify lagging behind the change) is looked at again a second
// later. The checks follow the track's position, not the time since spotray
// first saw it: a track resumed or joined at 2:00 is past the likely skips and
// is looked at sparsely. When the position has not advanced since prev,
// Spotify's state is stale (a device that went away, buffering, a track stuck
// at its end), and chasing the end would poll every second for as long as it
// stays stale: then, as for a track of unknown duration, the interval itself
// is the gap. Paused and idle, the gap is PausedPoll or IdlePoll, or the
// interval when longer; during an ad, the interval up to AdPoll.
func NextPoll(prev, cur Status, interval time.Duration) time.Duration {
	interval = ClampInterval(interval)
	switch {
	case cur.Item.Kind == Nothing:
		return max(interval, IdlePoll)
	case !cur.Playing:
		return max(interval, PausedPoll)
	case cur.Item.Kind == Ad:
		return min(interval, AdPoll)
	}
	if cur.Item.Duration <= 0 || frozen(prev, cur) {
		return interval
	}
	return min(skipCheck(cur.Progress, interval), max(cur.Item.Duration-cur.Progress, 0)+endSlack)
}

// skipCheck is the gap from a poll at position pos in a playing track to the
// next check for a skip: skipSlope·√pos up to skipGap until skipLikely,
// lateGap after, all scaled by interval/DefaultInterval (twice as often at
// 5 s, half as often at 20 s), never below minGap, and rounded to a tenth of
// a second, which is finer than the network's own jitter.
func skipCheck(pos, interval time.Duration) time.Duration {
	gap := lateGap
	if pos < skipLikely {
		gap = min(time.Duration(skipSlope*math.Sqrt(pos.Seconds())*float64(time.Second)), skipGap)
	}
	scaled := time.Duration(float64(gap) * float64(interval) / float64(DefaultInterval))
	return max(scaled.Round(100*time.Millisecond), minGap)
}

// frozen reports whether the same item played from prev to cur but its
// position advanced less than half the time between the two observations.
func frozen(prev, cur Status) bool {
	elapsed := cur.At.Sub(prev.At)
	return prev.Playing && prev.Item.Key == cur.Item.Key && elapsed > 0 &&
		cur.Progress-prev.Progress < elapsed/2
}

// Backoff is the delay before retry number failures (1 for the first retry
// after a failure) when Spotify cannot be reached or answers with an error:
// "full jitter", a uniform draw below a ceiling that doubles from 2 s up to
// 2 min, so many clients coming back at once (after a network outage) do not
// call in step. A 429 is not retried this way: its Retry-After is obeyed.
func Backoff(failures int, rnd *rand.Rand) time.Duration {
	ceiling := backoffCap
	if failures < 1 {
		failures = 1
	}
	if failures <= 16 {
		ceiling = min(backoffCap, backoffBase<<(failures-1))
	}
	return max(backoffFloor, time.Duration(rnd.Int64N(int64(ceiling)+1)))
}
