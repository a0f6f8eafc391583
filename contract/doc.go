// Package contract holds tests that pin convoytest and the SDK to the Convoy
// API reference. They replay every request the reference shows against a
// convoytest server, form-encoded as the reference's Python samples send it.
// Each response is compared with the reference's JSON key by key and type by
// type. The JSON samples are stored verbatim in testdata.
package contract
