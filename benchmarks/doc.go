// Package benchmarks measures what the convoy SDK costs its callers and how
// far the convoytest server scales. Each benchmark runs beside a baseline
// in the same process: hand-written net/http and encoding/json calls, a
// hand-written page loop, or a minimal net/http handler that writes a
// prebuilt page. Every result is read as a ratio to its baseline, because
// absolute times depend on the machine and its load.
//
// The sub-benchmarks named paired alternate the baseline and the
// candidate within one run and report their ratio as a metric, which
// stays steadier than two ns/op figures on a busy machine.
//
// The package holds only tests and benchmarks. Run them all with
//
//	go test -run '^$' -bench . -benchmem -count 6 ./benchmarks/ | tee results.txt
//	benchstat results.txt
//
// Under -short the stores shrink from 1,000,000 items to 10,000, so that
// running each benchmark once takes seconds.
package benchmarks
