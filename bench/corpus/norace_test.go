//go:build !race

package corpus_test

// raceEnabled is true when the race detector is on, which makes
// allocations larger (maxLintBytesPerIngress is then not checked).
const raceEnabled = false
