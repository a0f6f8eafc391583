package convoytest

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"
)

// uuid is a 16-byte UUID, stored instead of its 36-character text so that
// a million inventory items keep their barcodes in 16 MB.
type uuid [16]byte

const uuidTextLen = 36

// appendText appends the lowercase hyphenated form of u.
func (u uuid) appendText(dst []byte) []byte {
	var buf [uuidTextLen]byte
	hex.Encode(buf[0:8], u[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], u[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], u[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], u[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:36], u[10:16])

	return append(dst, buf[:]...)
}

// barcode returns prefix followed by the text of u, the form of every
// barcode the server stores.
func (u uuid) barcode(prefix byte) string {
	buf := make([]byte, 0, 1+uuidTextLen)
	buf = append(buf, prefix)

	return string(u.appendText(buf))
}

// parseBarcode parses prefix followed by a lowercase hyphenated UUID. It
// rejects uppercase hex so that one stored barcode has exactly one text.
func parseBarcode(prefix byte, s string) (uuid, bool) {
	var u uuid
	if len(s) != 1+uuidTextLen || s[0] != prefix {
		return u, false
	}

	text := s[1:]
	if text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-' {
		return u, false
	}

	hexDigits := text[0:8] + text[9:13] + text[14:18] + text[19:23] + text[24:36]
	for i := 0; i < len(hexDigits); i++ {
		c := hexDigits[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return u, false
		}
	}

	if _, err := hex.Decode(u[:], []byte(hexDigits)); err != nil {
		return u, false
	}

	return u, true
}

// idGenerator makes version 4 UUIDs and fault probabilities, from a
// ChaCha8 stream when the server has a seed and from crypto/rand otherwise.
type idGenerator struct {
	mu  sync.Mutex
	rng *rand.Rand // nil without a seed
}

func newIDGenerator(seed uint64, seeded bool) *idGenerator {
	if !seeded {
		return &idGenerator{}
	}

	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)

	return &idGenerator{rng: rand.New(rand.NewChaCha8(key))}
}

// newUUID returns a random version 4 UUID.
func (g *idGenerator) newUUID() uuid {
	var u uuid

	g.mu.Lock()
	if g.rng != nil {
		binary.LittleEndian.PutUint64(u[0:8], g.rng.Uint64())
		binary.LittleEndian.PutUint64(u[8:16], g.rng.Uint64())
	} else if _, err := crand.Read(u[:]); err != nil {
		g.mu.Unlock()
		panic("convoytest: crypto/rand failed: " + err.Error())
	}
	g.mu.Unlock()

	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant

	return u
}

// float64 returns a number in [0, 1).
func (g *idGenerator) float64() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()

	if g.rng != nil {
		return g.rng.Float64()
	}

	return rand.Float64()
}

// First characters of generated IDs and barcodes.
const (
	manufacturerPrefix = 'M'
	productPrefix      = 'P'
	itemPrefix         = 'I'
)

// unusedUUID returns a new UUID for which used reports false. A repeat
// among random UUIDs is all but impossible, but a seeded generator shared
// by several accounts makes the check worthwhile.
func (s *Server) unusedUUID(used func(uuid) bool) uuid {
	for {
		if u := s.ids.newUUID(); !used(u) {
			return u
		}
	}
}

// newManufacturerID returns an unused generated manufacturer ID; the
// caller holds a.mu.
func (s *Server) newManufacturerID(a *account) string {
	u := s.unusedUUID(func(u uuid) bool {
		_, dup := a.manufacturerByID[u.barcode(manufacturerPrefix)]
		return dup
	})

	return u.barcode(manufacturerPrefix)
}

// Generated inventory barcodes carry their item's position, so the store
// finds an item without a map from barcode to position: such a map would
// cost about 40 bytes per item and a cache miss per insert. The first 4
// bytes of the UUID are the position, passed through an invertible 32-bit
// mixer and XORed with a per-account key. The other bits stay random, and
// a lookup compares the stored barcode before it trusts the position.

// mixPosition maps a position to 32 bits that look random. Each
// xorshift and each multiplication by an odd constant is invertible, so
// the whole map is too; TestMixPositionInverts checks it.
func mixPosition(x uint32) uint32 {
	x ^= x >> 16
	x *= mixMul1
	x ^= x >> 15
	x *= mixMul2
	x ^= x >> 16

	return x
}

// unmixPosition inverts mixPosition.
func unmixPosition(x uint32) uint32 {
	x = unxorShift(x, 16)
	x *= inverseOdd(mixMul2)
	x = unxorShift(x, 15)
	x *= inverseOdd(mixMul1)
	x = unxorShift(x, 16)

	return x
}

const (
	mixMul1 = 0x7feb352d
	mixMul2 = 0x846ca68b
)

// unxorShift inverts x ^= x >> shift.
func unxorShift(x uint32, shift uint) uint32 {
	y := x
	for i := uint(0); i < 32; i += shift {
		y = x ^ y>>shift
	}

	return y
}

// inverseOdd returns the multiplicative inverse of an odd m modulo 2^32,
// by Newton's iteration, which doubles the correct low bits each step.
func inverseOdd(m uint32) uint32 {
	y := m
	for range 5 {
		y *= 2 - m*y
	}

	return y
}

// itemBarcode returns a new random barcode that encodes pos.
func (s *Server) itemBarcode(a *account, pos int32) uuid {
	for {
		u := s.ids.newUUID()
		binary.BigEndian.PutUint32(u[0:4], mixPosition(uint32(pos))^a.barcodeKey)

		// Only an explicit barcode can repeat one with this position.
		if _, explicit := a.explicitItems[u]; !explicit {
			return u
		}
	}
}

// encodedPosition returns the position a generated barcode encodes.
func (a *account) encodedPosition(u uuid) uint32 {
	return unmixPosition(binary.BigEndian.Uint32(u[0:4]) ^ a.barcodeKey)
}
