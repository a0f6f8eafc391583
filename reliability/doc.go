// Package reliability holds only tests. They check that the convoy SDK and
// the convoytest server lose nothing and duplicate nothing under injected
// faults, reject malformed input with a precise status and message, and
// keep API keys and accounts apart.
//
// The fault soak runs for about three seconds by default. Run it longer,
// with a fixed seed, like this:
//
//	go test ./reliability -run TestFaultSoak -soak=60s -soak-seed=42
//
// The fuzz targets decode arbitrary responses with the SDK. Each input is
// an HTTP round trip on loopback, so shorten the minimization of new
// inputs, which otherwise stalls a run for up to a minute per input:
//
//	go test ./reliability -run '^$' -fuzz '^FuzzErrorDecoding$' -fuzztime 60s -fuzzminimizetime 5s
package reliability
