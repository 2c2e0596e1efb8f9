//go:build race

package testenv

// raceEnabled makes BuildSpotray build the binary with the race detector when
// the tests themselves run with it, so -race covers the real binary too.
const raceEnabled = true
