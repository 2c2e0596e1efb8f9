package playback

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The simulated day: 8 idle hours, then 16 hours of listening to tracks of
// 2.5 to 6 minutes, every tenth one skipped at a random point (every third
// skip a burst through two more tracks in under a second each), with three
// pauses of 5 to 20 minutes.

const dayLength = 24 * time.Hour

// change is the listener moving to another track.
type change struct {
	at      time.Duration
	key     string
	cause   string // "start", "natural" (the previous track ended) or "skip"
	settled bool   // false for tracks passed over in a skip burst
}

func simulatedDay(seed uint64) (*timeline, []change) {
	rnd := rand.New(rand.NewPCG(seed, 0x5eed))
	uniform := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(rnd.Int64N(int64(hi-lo))) }
	var tl timeline
	tl.idle(8 * time.Hour)
	var pauses []time.Duration
	for range 3 {
		pauses = append(pauses, uniform(tl.end, dayLength-time.Hour))
	}
	slices.Sort(pauses)
	// playFor plays tr from offset for d, pausing it when a pause falls due.
	playFor := func(tr simTrack, offset, d time.Duration) {
		for len(pauses) > 0 && pauses[0] < tl.end+d {
			before := max(pauses[0]-tl.end, 0)
			tl.play(tr, offset, before)
			offset, d = offset+before, d-before
			tl.pause(tr, offset, uniform(5*time.Minute, 20*time.Minute))
			pauses = pauses[1:]
		}
		tl.play(tr, offset, d)
	}
	var changes []change
	cause, skips := "start", 0
	for n := 1; tl.end < dayLength; n++ {
		tr := simTrack{key: fmt.Sprintf("t%d", n), dur: uniform(150*time.Second, 360*time.Second)}
		changes = append(changes, change{at: tl.end, key: "spotify:track:" + tr.key, cause: cause, settled: true})
		if n%10 != 0 {
			playFor(tr, 0, tr.dur)
			cause = "natural"
			continue
		}
		playFor(tr, 0, uniform(5*time.Second, tr.dur-5*time.Second))
		cause = "skip"
		if skips++; skips%3 == 0 {
			for range 2 {
				n++
				passed := simTrack{key: fmt.Sprintf("t%d", n), dur: uniform(150*time.Second, 360*time.Second)}
				changes = append(changes, change{at: tl.end, key: "spotify:track:" + passed.key, cause: cause})
				tl.play(passed, 0, uniform(300*time.Millisecond, time.Second))
			}
		}
	}
	return &tl, changes
}

// dayStats is what a day of polling cost and achieved.
type dayStats struct {
	calls, hours           map[phase]float64
	notice, announce       map[string][]time.Duration // by change cause
	changes, notifications int                        // settled changes, notifications sent
	wrong, missed          int                        // notifications not for a settled change; settled changes never noticed
}

func newDayStats() *dayStats {
	return &dayStats{calls: map[phase]float64{}, hours: map[phase]float64{},
		notice: map[string][]time.Duration{}, announce: map[string][]time.Duration{}}
}

// simulate polls a day as the poller does (fixed == 0) or at a fixed pace,
// and adds what happened to st.
func simulate(tl *timeline, changes []change, fixed time.Duration, st *dayStats) {
	for i, s := range tl.segs {
		end := dayLength
		if i+1 < len(tl.segs) {
			end = min(tl.segs[i+1].start, dayLength)
		}
		st.hours[s.phase] += max(end-s.start, 0).Hours()
	}
	type seen struct {
		t        time.Duration
		key      string
		announce bool
	}
	var polls []seen
	sent := 0
	p := &planner{interval: DefaultInterval, rnd: rand.New(rand.NewPCG(1, 1))}
	for t := time.Duration(0); t < dayLength; {
		u, next := p.polled(at.Add(t), tl.answer(t), nil)
		st.calls[tl.segmentAt(t).phase]++
		polls = append(polls, seen{t, u.Status.Item.Key, u.Announce != nil})
		if u.Announce != nil {
			sent++
		}
		if fixed > 0 {
			next = fixed
		}
		t += next
	}
	announced := 0
	for i, c := range changes {
		until := dayLength
		if i+1 < len(changes) {
			until = changes[i+1].at
		}
		noticed, told := false, false
		first, _ := slices.BinarySearchFunc(polls, c.at, func(o seen, t time.Duration) int { return cmp.Compare(o.t, t) })
		for _, o := range polls[first:] {
			if o.t >= until {
				break
			}
			if o.key != c.key {
				continue
			}
			if !noticed {
				noticed = true
				st.notice[c.cause] = append(st.notice[c.cause], o.t-c.at)
			}
			if o.announce && c.settled && !told {
				told = true
				announced++
				st.announce[c.cause] = append(st.announce[c.cause], o.t-c.at)
			}
		}
		if c.settled {
			st.changes++
			if !noticed {
				st.missed++
			}
		}
	}
	st.notifications += sent
	st.wrong += sent - announced
}

func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[max(int(float64(len(s))*p+0.999999)-1, 0)].Seconds()
}

func (st *dayStats) perHour(p phase) float64 { return st.calls[p] / st.hours[p] }

// budgetSeeds are the days the budget test and the benchmark simulate.
var budgetSeeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}

func simulateDays(fixed time.Duration) *dayStats {
	st := newDayStats()
	for _, seed := range budgetSeeds {
		tl, changes := simulatedDay(seed)
		simulate(tl, changes, fixed, st)
	}
	return st
}

func TestSimulatedDayBudget(t *testing.T) {
	st := simulateDays(0)
	checks := []struct {
		name      string
		got, most float64
	}{
		{"calls per playing hour", st.perHour(playing), 400},
		{"calls per idle hour", st.perHour(idle), 60},
		// 30 s apart, plus the poll that notices each pause.
		{"calls per paused hour", st.perHour(paused), 125},
		{"natural end noticed, p95 (s)", percentile(st.notice["natural"], 0.95), 1.5},
		// Noticed a second after the end, announced once it played for Calm
		// (Spotify's positions are whole milliseconds, hence the margin).
		{"natural end announced, p95 (s)", percentile(st.announce["natural"], 0.95), 1.51},
		{"skip noticed, p95 (s)", percentile(st.notice["skip"], 0.95), 10},
		{"skip announced, p95 (s)", percentile(st.announce["skip"], 0.95), 11.5},
		{"notifications per track change", float64(st.notifications) / float64(st.changes), 1},
		{"notifications for the wrong track", float64(st.wrong), 0},
		{"track changes never noticed", float64(st.missed), 0},
	}
	for _, c := range checks {
		t.Logf("%-35s %8.2f (at most %g)", c.name, c.got, c.most)
		if c.got > c.most {
			t.Errorf("%s: %.2f, over the budget of %g", c.name, c.got, c.most)
		}
	}
	if st.changes < 2000 || st.notifications != st.changes {
		t.Errorf("%d notifications for %d track changes", st.notifications, st.changes)
	}
	if st.hours[paused] < 10*3*5/60.0 || st.hours[idle] != 80 {
		t.Errorf("simulated %.1f paused and %.1f idle hours", st.hours[paused], st.hours[idle])
	}
}

// BenchmarkSimulatedDay polls ten simulated days per operation and reports
// the polling budget and how fast track changes are noticed, with fixed
// 1.5 s and 5 s polling (what other clients do) for comparison.
func BenchmarkSimulatedDay(b *testing.B) {
	var st *dayStats
	for b.Loop() {
		st = simulateDays(0)
	}
	b.ReportMetric(st.perHour(playing), "calls/playing-h")
	b.ReportMetric(st.perHour(idle), "calls/idle-h")
	b.ReportMetric(st.perHour(paused), "calls/paused-h")
	b.ReportMetric(percentile(st.notice["natural"], 0.50), "natural-end-p50-s")
	b.ReportMetric(percentile(st.notice["natural"], 0.95), "natural-end-p95-s")
	b.ReportMetric(percentile(st.notice["skip"], 0.50), "skip-p50-s")
	b.ReportMetric(percentile(st.notice["skip"], 0.95), "skip-p95-s")
	b.ReportMetric(float64(st.notifications)/float64(st.changes), "notifications/change")
	for _, fixed := range []time.Duration{1500 * time.Millisecond, 5 * time.Second} {
		f := simulateDays(fixed)
		name := fmt.Sprintf("fixed-%gs-", fixed.Seconds())
		b.ReportMetric(f.perHour(playing), name+"calls/playing-h")
		b.ReportMetric(f.perHour(idle), name+"calls/idle-h")
		b.ReportMetric(percentile(f.notice["natural"], 0.95), name+"natural-end-p95-s")
		b.ReportMetric(percentile(f.notice["skip"], 0.95), name+"skip-p95-s")
	}
}
